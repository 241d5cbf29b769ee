import type { EntityManager } from '@mikro-orm/postgresql';
import { userActor } from '../audit/audit-log';
import type { Actor } from '../auth/actor';
import { requireAdmin } from '../auth/permissions';
import {
  hashesEqual,
  hashToken,
  issueToken,
  LAST_USED_RESOLUTION_MS,
  parseToken,
} from '../auth/secret-token';
import { DomainError, UserErrorCode } from '../common/errors';
import type { IdpPrincipal } from '../idp/idp-principal';
import type { ServiceDeps } from '../services';
import { capabilitiesOf } from '../tenant/capabilities';
import { Tenant } from '../tenant/tenant.entity';
import { lockTenant } from '../tenant/tenant-lock';
import { ScimToken } from './scim-token.entity';

export const MAX_GRACE_MINUTES = 7 * 24 * 60;

export interface RotatedScimToken {
  token: string;
  scimBaseUrl: string;
  scimToken: ScimToken;
}

export interface ScimCaller {
  tenant: Tenant;
  principal: IdpPrincipal;
}

export class ScimTokenService {
  private readonly em: EntityManager;

  constructor(private readonly deps: ServiceDeps) {
    this.em = deps.em;
  }

  baseUrl(tenant: Tenant): string {
    return `${this.deps.settings.publicUrl}/scim/v2/${tenant.slug}`;
  }

  /** Tokens that authenticate right now, newest first. */
  async validTokens(tenantId: string, now = new Date()): Promise<ScimToken[]> {
    const tokens = await this.em.find(
      ScimToken,
      { tenant: tenantId, revokedAt: null },
      { orderBy: { id: 'desc' } },
    );

    return tokens.filter((token) => token.isValid(now));
  }

  /**
   * Resolves a SCIM bearer token for the tenant named in the URL. The token must belong to that
   * tenant and be valid; the tenant must be in a mode that accepts SCIM (else MODE_FORBIDS_ACTION
   * naming the mode, so the IdP's admin sees why).
   */
  async authenticate(tenantSlug: string, bearer: string | undefined): Promise<ScimCaller> {
    const refused = () =>
      DomainError.unauthenticated(
        'Send a valid SCIM token of this tenant as "Authorization: Bearer <token>"; ' +
          'rotateScimToken issues one.',
      );
    const parsed = bearer ? parseToken(bearer) : undefined;
    if (!bearer || parsed?.kind !== 'scim') throw refused();
    const tenant = await this.em.findOne(Tenant, { slug: tenantSlug });
    if (!tenant || tenant.id !== parsed.tenantId) throw refused();
    const hash = hashToken(bearer);
    const token = await this.em.findOne(ScimToken, { tenant, tokenHash: hash });
    const now = new Date();
    if (!token || !hashesEqual(token.tokenHash, hash) || !token.isValid(now)) throw refused();
    if (!capabilitiesOf(tenant.provisioningMode).scimApiEnabled) {
      throw new DomainError(
        UserErrorCode.MODE_FORBIDS_ACTION,
        `Tenant "${tenant.slug}" is in ${tenant.provisioningMode} provisioning mode, which does ` +
          'not accept SCIM. An admin must switch it to SCIM mode first.',
      );
    }
    const lastUsed = token.lastUsedAt?.getTime() ?? 0;
    if (now.getTime() - lastUsed > LAST_USED_RESOLUTION_MS) {
      await this.em.nativeUpdate(ScimToken, { id: token.id }, { lastUsedAt: now });
    }

    return { tenant, principal: { tenantId: tenant.id, tokenId: token.id } };
  }

  /**
   * Issues a new SCIM token. The previous one stays valid for the grace period so the IdP can
   * be reconfigured without an outage; any older token is revoked, so at most two are valid.
   */
  async rotate(actor: Actor, gracePeriodMinutes: number): Promise<RotatedScimToken> {
    requireAdmin(actor, 'rotate the SCIM token');
    if (
      !Number.isInteger(gracePeriodMinutes) ||
      gracePeriodMinutes < 0 ||
      gracePeriodMinutes > MAX_GRACE_MINUTES
    ) {
      throw DomainError.badInput(
        'gracePeriodMinutes',
        `gracePeriodMinutes must be a whole number from 0 to ${MAX_GRACE_MINUTES} (7 days); ` +
          `received ${gracePeriodMinutes}.`,
      );
    }

    return this.em.transactional(async (em) => {
      const tenant = await lockTenant(em, actor.tenantId);
      if (!capabilitiesOf(tenant.provisioningMode).scimApiEnabled) {
        throw new DomainError(
          UserErrorCode.MODE_FORBIDS_ACTION,
          `SCIM tokens exist only in SCIM mode; the tenant is in ${tenant.provisioningMode} ` +
            'mode. Switch the provisioning mode to SCIM first.',
        );
      }
      const now = new Date();
      const [previous, ...older] = await new ScimTokenService({ ...this.deps, em }).validTokens(
        tenant.id,
        now,
      );
      for (const token of older) token.revokedAt = now;
      if (previous && gracePeriodMinutes === 0) previous.revokedAt = now;
      if (previous && gracePeriodMinutes > 0) {
        const graceEnd = new Date(now.getTime() + gracePeriodMinutes * 60_000);
        if (!previous.expiresAt || previous.expiresAt > graceEnd) previous.expiresAt = graceEnd;
      }

      const issued = issueToken('scim', tenant.id);
      const scimToken = em.create(ScimToken, {
        tenant,
        tokenHash: issued.hash,
        prefix: issued.prefix,
      });
      this.deps.audit.record(
        em,
        tenant,
        userActor(actor),
        'scim_token.rotated',
        [{ type: 'scim_token', id: scimToken.id, display: scimToken.prefix }],
        {
          gracePeriodMinutes,
          previousTokenId: previous?.id ?? null,
          revokedTokenIds: [
            ...older,
            ...(gracePeriodMinutes === 0 && previous ? [previous] : []),
          ].map((token) => token.id),
        },
      );
      await em.flush();

      return { token: issued.token, scimBaseUrl: this.baseUrl(tenant), scimToken };
    });
  }
}
