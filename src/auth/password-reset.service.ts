import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { accountActor, SYSTEM_ACTOR, userActor } from '../audit/audit-log';
import { DomainError, UserErrorCode } from '../common/errors';
import { isUuid } from '../common/ids';
import { passwordChangedMail, passwordResetMail } from '../mail/templates';
import { refuseIfSsoManaged, setPassword } from '../password/local-passwords';
import { emailKey, signInLimits } from '../password/sign-in.service';
import { RateLimiter } from '../rate-limit/rate-limiter';
import { RATE_LIMITS } from '../rate-limit/rate-limits';
import type { ServiceDeps } from '../services';
import { SessionService } from '../session/session.service';
import { Tenant } from '../tenant/tenant.entity';
import { User, UserStatus } from '../user/user.entity';
import { AccessToken } from './access-token.entity';
import type { Actor } from './actor';
import { PasswordReset } from './password-reset.entity';
import { requireAdmin } from './permissions';
import { hashesEqual, hashToken, issueToken, parseToken } from './secret-token';

export const RESET_TTL_MS = 60 * 60 * 1000;

export interface ResetSent {
  sentTo: string;
  expiresAt: Date;
}

export interface SelfServiceResetInput {
  tenantSlug: string;
  email: string;
}

const invalidResetToken = () =>
  DomainError.invalidToken(
    'password reset link',
    'token',
    'Request a new one with `requestPasswordReset`.',
  );

/**
 * Password resets: requested by an admin or by the user, completed by the user with the link
 * from the email. Both ways of asking go through the same rules: tenants with SSO have no local
 * passwords to reset, and only ACTIVE users have a password to change.
 */
export class PasswordResetService {
  private readonly em: EntityManager;
  private readonly limiter: RateLimiter;

  constructor(private readonly deps: ServiceDeps) {
    this.em = deps.em;
    this.limiter = new RateLimiter(deps.secrets);
  }

  /** Mails the user a single-use link. Earlier unused links stop working. */
  async requestByAdmin(actor: Actor, userId: string): Promise<ResetSent> {
    requireAdmin(actor, 'reset passwords');
    const sent = await this.em.transactional(async (em) => {
      const tenant = await em.findOneOrFail(Tenant, { id: actor.tenantId });
      const user = isUuid(userId) ? await em.findOne(User, { id: userId, tenant }) : null;
      if (!user) throw DomainError.notFound('user', userId, 'userId');
      await this.assertResettable(em, tenant, user, 'userId');
      const result = await this.issue(em, tenant, user);
      this.recordRequest(em, tenant, user, result, userActor(actor), 'admin');
      await em.flush();

      return result;
    });
    this.deps.outbox.notify();

    return sent;
  }

  /**
   * The user asks for a link themselves. The answer is the same whether or not the account
   * exists or may be reset; only the email tells, and it goes to the account's owner. Requests
   * are limited per email and per network either way.
   */
  async requestBySelf(input: SelfServiceResetInput): Promise<void> {
    const email = emailKey(input.email);
    const queued = await this.em.transactional(async (em) => {
      const tenant = await em.findOne(Tenant, { slug: input.tenantSlug.trim() });
      if (!tenant) return false;
      await refuseIfSsoManaged(em, tenant, 'tenantSlug', 'Reset the password there.');
      await this.limiter.consume(em, tenant.id, [
        { rule: RATE_LIMITS.resetRequestPerEmail, subject: email },
        { rule: RATE_LIMITS.resetRequestPerIp, subject: this.deps.meta.ip ?? 'unknown' },
      ]);
      const user = await em.findOne(User, { tenant, email });
      if (!user || user.status !== UserStatus.ACTIVE) return false;
      const result = await this.issue(em, tenant, user);
      this.recordRequest(em, tenant, user, result, SYSTEM_ACTOR, 'self_service');
      await em.flush();

      return true;
    });
    if (queued) this.deps.outbox.notify();
  }

  /**
   * Sets the new password and consumes the link. Everything that could still act as the user is
   * revoked (personal access tokens, sessions), since whoever reset the password may be
   * locking out someone who knew the old one. The owner is told by email.
   */
  async complete(token: string, newPassword: string): Promise<void> {
    const parsed = parseToken(token);
    if (parsed?.kind !== 'rst') throw invalidResetToken();
    const hash = hashToken(token);
    await this.em.transactional(async (em) => {
      // Locked, so two completions with one link cannot both pass the "unused" check.
      const reset = await em.findOne(
        PasswordReset,
        { tenant: parsed.tenantId, tokenHash: hash },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      if (!reset || !hashesEqual(reset.tokenHash, hash)) throw invalidResetToken();
      if (reset.usedAt || reset.expiresAt <= new Date()) throw invalidResetToken();
      const user = await em.findOneOrFail(User, { id: reset.user.id }, { populate: ['tenant'] });
      if (user.status !== UserStatus.ACTIVE) throw invalidResetToken();
      const tenant = user.tenant;
      await refuseIfSsoManaged(em, tenant, 'token', 'Change the password there.');

      await setPassword(em, this.deps.passwords, user, newPassword, 'newPassword');
      const now = new Date();
      reset.usedAt = now;
      const tokensRevoked = await em.nativeUpdate(
        AccessToken,
        { tenant, user, revokedAt: null },
        { revokedAt: now },
      );
      const sessions = new SessionService({ ...this.deps, em });
      const sessionsRevoked = await sessions.revokeAll(em, tenant, user, 'password_reset');
      // The owner has proven control of the mailbox: earlier failed sign-ins no longer count.
      await this.limiter.forget(em, tenant.id, signInLimits(user.email, null)[0]);
      this.deps.outbox.enqueue(
        em,
        tenant,
        'password_changed',
        user.email,
        passwordChangedMail({
          tenantName: tenant.name,
          changedAt: now,
          resetLink: `${this.deps.settings.publicUrl}/password-reset`,
        }),
      );
      this.deps.audit.record(
        em,
        tenant,
        accountActor(user),
        'user.password_reset_completed',
        [{ type: 'user', id: user.id, display: user.email }],
        { accessTokensRevoked: tokensRevoked, sessionsRevoked },
      );
      await em.flush();
    });
    this.deps.outbox.notify();
  }

  /** The rules both ways of asking share. */
  private async assertResettable(em: EntityManager, tenant: Tenant, user: User, field: string) {
    await refuseIfSsoManaged(em, tenant, field, 'Reset the password there.');
    if (user.status !== UserStatus.ACTIVE) {
      throw new DomainError(
        UserErrorCode.INVALID_STATE,
        `${user.email} is ${user.status}. ` +
          (user.status === UserStatus.INVITED
            ? 'They have no password yet; resend their invitation instead.'
            : 'Reactivate them before resetting their password.'),
        [field],
      );
    }
  }

  private async issue(em: EntityManager, tenant: Tenant, user: User): Promise<ResetSent> {
    const now = new Date();
    const expiresAt = new Date(now.getTime() + RESET_TTL_MS);
    // Only the newest link works: the earlier unused ones expire now.
    await em.nativeUpdate(PasswordReset, { tenant, user, usedAt: null }, { expiresAt: now });
    const { token, hash } = issueToken('rst', tenant.id);
    em.create(PasswordReset, { tenant, user, tokenHash: hash, expiresAt });
    const link = `${this.deps.settings.publicUrl}/password-reset?token=${token}`;
    this.deps.outbox.enqueue(
      em,
      tenant,
      'password_reset',
      user.email,
      passwordResetMail({ tenantName: tenant.name, link, expiresAt }),
    );

    return { sentTo: user.email, expiresAt };
  }

  private recordRequest(
    em: EntityManager,
    tenant: Tenant,
    user: User,
    sent: ResetSent,
    by: ReturnType<typeof userActor>,
    via: 'admin' | 'self_service',
  ): void {
    this.deps.audit.record(
      em,
      tenant,
      by,
      'user.password_reset_requested',
      [{ type: 'user', id: user.id, display: user.email }],
      { expiresAt: sent.expiresAt.toISOString(), via },
    );
  }
}
