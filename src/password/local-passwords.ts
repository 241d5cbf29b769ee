import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError, UserErrorCode } from '../common/errors';
import { SsoConnection } from '../sso/sso-connection.entity';
import type { Tenant } from '../tenant/tenant.entity';
import type { User } from '../user/user.entity';
import { PasswordCredential } from './password-credential.entity';
import type { PasswordHasher } from './password-hasher';
import { assertAcceptablePassword } from './password-policy';

/** A tenant "has SSO" as soon as it has a connection; from then on local passwords stop working. */
export async function usesSso(em: EntityManager, tenant: Tenant): Promise<boolean> {
  return (await em.count(SsoConnection, { tenant })) > 0;
}

/**
 * Refuses a password operation in a tenant with SSO, where the identity provider owns every
 * password. `instead` says what to do there.
 */
export async function refuseIfSsoManaged(
  em: EntityManager,
  tenant: Tenant,
  field: string,
  instead: string,
): Promise<void> {
  if (await usesSso(em, tenant)) {
    throw new DomainError(
      UserErrorCode.SSO_MANAGED,
      `${tenant.name} signs users in through SSO, so passwords are managed by the identity ` +
        `provider. ${instead}`,
      [field],
    );
  }
}

/** Checks the policy, then stores the password's hash for the user, replacing any earlier one. */
export async function setPassword(
  em: EntityManager,
  hasher: PasswordHasher,
  user: User,
  password: string | null | undefined,
  field: string,
): Promise<void> {
  assertAcceptablePassword(password, user.email, field);
  const hash = await hasher.hash(password ?? '');
  const existing = await em.findOne(PasswordCredential, { tenant: user.tenant, user });
  if (existing) {
    existing.hash = hash;
  } else {
    em.create(PasswordCredential, { tenant: user.tenant, user, hash });
  }
}
