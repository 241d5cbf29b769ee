import type { EntityManager } from '@mikro-orm/postgresql';
import { userActor } from '../audit/audit-log';
import type { Actor } from '../auth/actor';
import { requireAdmin } from '../auth/permissions';
import { DomainError, UserErrorCode } from '../common/errors';
import type { ServiceDeps } from '../services';
import { capabilitiesOf, SsoRequirement } from '../tenant/capabilities';
import { Tenant } from '../tenant/tenant.entity';
import { checkClaimName, checkIdpUrl, checkPemCertificate, requireValue } from './sso-config';
import { SsoConnection, SsoProtocol } from './sso-connection.entity';

export interface SsoInput {
  protocol: SsoProtocol;
  issuer?: string | null;
  clientId?: string | null;
  clientSecret?: string | null;
  discoveryUrl?: string | null;
  jwksUri?: string | null;
  samlEntryPoint?: string | null;
  samlCertificate?: string | null;
  emailClaim?: string | null;
  uniqueIdClaim?: string | null;
}

export class SsoService {
  private readonly em: EntityManager;

  constructor(private readonly deps: ServiceDeps) {
    this.em = deps.em;
  }

  find(tenantId: string): Promise<SsoConnection | null> {
    return this.em.findOne(SsoConnection, { tenant: tenantId });
  }

  /**
   * Creates or replaces the tenant's one SSO connection. Omitting `clientSecret` when updating
   * an OIDC connection keeps the stored one, so a form need not ask for it again.
   */
  async configure(actor: Actor, input: SsoInput): Promise<Tenant> {
    requireAdmin(actor, 'configure SSO');

    return this.em.transactional(async (em) => {
      const tenant = await em.findOneOrFail(Tenant, { id: actor.tenantId });
      const existing = await em.findOne(SsoConnection, { tenant });
      const fields = this.validate(input, existing);
      const connection = existing ?? em.create(SsoConnection, { tenant, protocol: input.protocol });
      em.assign(connection, fields);
      this.deps.audit.record(
        em,
        tenant,
        userActor(actor),
        'sso.configured',
        [{ type: 'sso_connection', id: connection.id, display: input.protocol }],
        { protocol: input.protocol, created: !existing },
      );
      await em.flush();

      return tenant;
    });
  }

  /** Removes the SSO connection; refused while the mode needs SSO to let anyone in. */
  async remove(actor: Actor): Promise<Tenant> {
    requireAdmin(actor, 'remove SSO');

    return this.em.transactional(async (em) => {
      const tenant = await em.findOneOrFail(Tenant, { id: actor.tenantId });
      if (capabilitiesOf(tenant.provisioningMode).ssoRequirement === SsoRequirement.REQUIRED) {
        throw new DomainError(
          UserErrorCode.SSO_REQUIRED,
          `The ${tenant.provisioningMode} provisioning mode signs users in through SSO. ` +
            'Switch to another mode first, then remove SSO.',
        );
      }
      const connection = await em.findOne(SsoConnection, { tenant });
      if (!connection) return tenant;
      em.remove(connection);
      this.deps.audit.record(em, tenant, userActor(actor), 'sso.removed', [
        { type: 'sso_connection', id: connection.id, display: connection.protocol },
      ]);
      await em.flush();

      return tenant;
    });
  }

  private validate(input: SsoInput, existing: SsoConnection | null): Partial<SsoConnection> {
    const claims = {
      emailClaim: checkClaimName('emailClaim', input.emailClaim ?? 'email'),
      uniqueIdClaim: checkClaimName('uniqueIdClaim', input.uniqueIdClaim ?? 'sub'),
    };
    const optionalUrl = (field: 'discoveryUrl' | 'jwksUri', value?: string | null) =>
      value ? checkIdpUrl(field, value) : null;

    if (input.protocol === SsoProtocol.OIDC) {
      const why = 'for an OIDC connection';
      const keepSecret = existing?.protocol === SsoProtocol.OIDC && existing.clientSecretSealed;
      const secret = input.clientSecret?.trim()
        ? this.deps.secrets.seal(input.clientSecret.trim())
        : keepSecret || this.deps.secrets.seal(requireValue('clientSecret', null, why));

      return {
        protocol: SsoProtocol.OIDC,
        issuer: checkIdpUrl('issuer', requireValue('issuer', input.issuer, why)),
        clientId: requireValue('clientId', input.clientId, why),
        clientSecretSealed: secret,
        discoveryUrl: optionalUrl('discoveryUrl', input.discoveryUrl),
        jwksUri: optionalUrl('jwksUri', input.jwksUri),
        samlEntryPoint: null,
        samlCertificate: null,
        ...claims,
      };
    }

    const why = 'for a SAML connection';
    const entryPoint = requireValue('samlEntryPoint', input.samlEntryPoint, why);

    return {
      protocol: SsoProtocol.SAML,
      issuer: input.issuer?.trim() || null,
      clientId: null,
      clientSecretSealed: null,
      discoveryUrl: null,
      jwksUri: null,
      samlEntryPoint: checkIdpUrl('samlEntryPoint', entryPoint),
      samlCertificate: checkPemCertificate(
        'samlCertificate',
        requireValue('samlCertificate', input.samlCertificate, why),
      ),
      ...claims,
    };
  }
}
