import { type EntityManager, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { userActor } from '../audit/audit-log';
import type { Actor } from '../auth/actor';
import { requireAdmin } from '../auth/permissions';
import { DomainError, UserErrorCode } from '../common/errors';
import { isUuid } from '../common/ids';
import type { ServiceDeps } from '../services';
import { checkClaimName, checkIdpUrl, requireValue } from '../sso/sso-config';
import { Tenant } from '../tenant/tenant.entity';
import { IdentityProvider } from './identity-provider.entity';

export interface NewIdentityProvider {
  name: string;
  issuer: string;
  jwksUri: string;
  audiences: string[];
  emailClaim?: string | null;
  uniqueIdClaim?: string | null;
}

const MAX_AUDIENCES = 20;

export class IdentityProviderService {
  private readonly em: EntityManager;

  constructor(private readonly deps: ServiceDeps) {
    this.em = deps.em;
  }

  list(tenantId: string): Promise<IdentityProvider[]> {
    return this.em.find(IdentityProvider, { tenant: tenantId }, { orderBy: { id: 'asc' } });
  }

  async add(actor: Actor, input: NewIdentityProvider): Promise<IdentityProvider> {
    requireAdmin(actor, 'add identity providers');
    const fields = validate(input);
    try {
      return await this.em.transactional(async (em) => {
        const tenant = await em.findOneOrFail(Tenant, { id: actor.tenantId });
        if (await em.count(IdentityProvider, { tenant, issuer: fields.issuer })) {
          throw DomainError.alreadyExists('identity provider', 'issuer', fields.issuer);
        }
        const provider = em.create(IdentityProvider, { tenant, ...fields });
        this.deps.audit.record(
          em,
          tenant,
          userActor(actor),
          'identity_provider.added',
          [{ type: 'identity_provider', id: provider.id, display: provider.name }],
          { issuer: provider.issuer },
        );
        await em.flush();

        return provider;
      });
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        throw DomainError.alreadyExists('identity provider', 'issuer', fields.issuer);
      }
      throw error;
    }
  }

  async remove(actor: Actor, id: string): Promise<string> {
    requireAdmin(actor, 'remove identity providers');

    return this.em.transactional(async (em) => {
      const provider = isUuid(id)
        ? await em.findOne(IdentityProvider, { id, tenant: actor.tenantId })
        : null;
      if (!provider) throw DomainError.notFound('identity provider', id, 'id');
      this.deps.audit.record(em, actor.tenantId, userActor(actor), 'identity_provider.removed', [
        { type: 'identity_provider', id: provider.id, display: provider.name },
      ]);
      em.remove(provider);
      await em.flush();

      return provider.id;
    });
  }
}

function validate(input: NewIdentityProvider) {
  const why = 'for an identity provider';
  const name = requireValue('name', input.name, why);
  if (name.length > 100) {
    throw new DomainError(UserErrorCode.INVALID_VALUE, 'name must be at most 100 characters.', [
      'name',
    ]);
  }
  const audiences = [...new Set(input.audiences.map((audience) => audience.trim()))].filter(
    Boolean,
  );
  if (audiences.length === 0 || audiences.length > MAX_AUDIENCES) {
    throw new DomainError(
      UserErrorCode.INVALID_VALUE,
      `audiences must list 1 to ${MAX_AUDIENCES} values; a token must name one of them in aud.`,
      ['audiences'],
    );
  }
  // The issuer is compared to `iss` exactly, so it is kept as written, only checked.
  const issuer = requireValue('issuer', input.issuer, why);
  checkIdpUrl('issuer', issuer);

  return {
    name,
    issuer,
    jwksUri: checkIdpUrl('jwksUri', requireValue('jwksUri', input.jwksUri, why)),
    audiences,
    emailClaim: checkClaimName('emailClaim', input.emailClaim ?? 'email'),
    uniqueIdClaim: checkClaimName('uniqueIdClaim', input.uniqueIdClaim ?? 'sub'),
  };
}
