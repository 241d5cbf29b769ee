import type { EntityManager } from '@mikro-orm/postgresql';
import { accountActor } from '../audit/audit-log';
import { DomainError, UserErrorCode } from '../common/errors';
import { type RateLimited, RateLimiter } from '../rate-limit/rate-limiter';
import { RATE_LIMITS } from '../rate-limit/rate-limits';
import type { ServiceDeps } from '../services';
import { type IssuedSession, SessionService } from '../session/session.service';
import { Tenant } from '../tenant/tenant.entity';
import { UserStatus } from '../user/user.entity';
import { refuseIfSsoManaged } from './local-passwords';
import { PasswordCredential } from './password-credential.entity';

export interface SignInInput {
  tenantSlug: string;
  email: string;
  password: string;
}

const invalidCredentials = () =>
  new DomainError(
    UserErrorCode.INVALID_CREDENTIALS,
    'The email or password is incorrect. Check both, or reset your password with ' +
      '`requestPasswordReset`.',
  );

/** The limits one sign-in counts against: its account (even an unknown one) and its network. */
export function signInLimits(email: string, ip: string | null | undefined): RateLimited[] {
  return [
    { rule: RATE_LIMITS.signInPerAccount, subject: email },
    { rule: RATE_LIMITS.signInPerIp, subject: ip ?? 'unknown' },
  ];
}

/** Normalised the way stored emails are, without refusing what is not an email. */
export const emailKey = (email: string): string => email.trim().toLowerCase();

/**
 * Signs in with a local password. An unknown tenant or email, a user without a password or not
 * ACTIVE, and a wrong password all get one answer, after the same work: a password hash is
 * verified in every case, so the time taken does not tell them apart either.
 */
export class SignInService {
  private readonly em: EntityManager;
  private readonly limiter: RateLimiter;

  constructor(private readonly deps: ServiceDeps) {
    this.em = deps.em;
    this.limiter = new RateLimiter(deps.secrets);
  }

  async signIn(input: SignInInput): Promise<IssuedSession> {
    const email = emailKey(input.email);
    const limits = signInLimits(email, this.deps.meta.ip);
    const session = await this.em.transactional(async (em) => {
      const tenant = await em.findOne(Tenant, { slug: input.tenantSlug.trim() });
      if (!tenant) {
        await this.deps.passwords.verify(null, input.password);

        return null;
      }
      await refuseIfSsoManaged(em, tenant, 'tenantSlug', 'Sign in through the identity provider.');
      await this.limiter.refuseIfLockedOut(em, tenant.id, limits, 'failed sign-ins');

      // One query whether or not the account exists, so both paths do the same work.
      const credential = await em.findOne(
        PasswordCredential,
        { tenant, user: { email } },
        { populate: ['user'] },
      );
      const matches = await this.deps.passwords.verify(credential?.hash ?? null, input.password);
      if (!credential || !matches || credential.user.status !== UserStatus.ACTIVE) {
        // Committed although the answer is an error: a failure must count.
        await this.limiter.recordFailure(em, tenant.id, limits);

        return null;
      }

      await this.limiter.forget(em, tenant.id, limits[0]);
      if (this.deps.passwords.isOutdated(credential.hash)) {
        credential.hash = await this.deps.passwords.hash(input.password);
      }
      const user = credential.user;
      const issued = await new SessionService({ ...this.deps, em }).start(em, tenant, user);
      this.deps.audit.record(em, tenant, accountActor(user), 'user.signed_in', [
        { type: 'user', id: user.id, display: user.email },
        { type: 'session', id: issued.sessionId, display: user.email },
      ]);
      await em.flush();

      return issued;
    });
    if (!session) throw invalidCredentials();

    return session;
  }
}
