import type { EntityManager } from '@mikro-orm/postgresql';
import { userActor } from '../audit/audit-log';
import { DomainError, UserErrorCode } from '../common/errors';
import { isUuid } from '../common/ids';
import { passwordResetMail } from '../mail/templates';
import type { ServiceDeps } from '../services';
import { SsoConnection } from '../sso/sso-connection.entity';
import { Tenant } from '../tenant/tenant.entity';
import { User, UserStatus } from '../user/user.entity';
import type { Actor } from './actor';
import { PasswordReset } from './password-reset.entity';
import { requireAdmin } from './permissions';
import { issueToken } from './secret-token';

export const RESET_TTL_MS = 60 * 60 * 1000;

export interface ResetSent {
  sentTo: string;
  expiresAt: Date;
}

export class PasswordResetService {
  private readonly em: EntityManager;

  constructor(private readonly deps: ServiceDeps) {
    this.em = deps.em;
  }

  /**
   * Mails the user a single-use link to choose a new password. Tenants with SSO have no local
   * passwords to reset. Earlier unused links stop working, so only the newest one counts.
   */
  async requestByAdmin(actor: Actor, userId: string): Promise<ResetSent> {
    requireAdmin(actor, 'reset passwords');
    const sent = await this.em.transactional(async (em) => {
      const tenant = await em.findOneOrFail(Tenant, { id: actor.tenantId });
      const user = isUuid(userId) ? await em.findOne(User, { id: userId, tenant }) : null;
      if (!user) throw DomainError.notFound('user', userId, 'userId');
      if (await em.count(SsoConnection, { tenant })) {
        throw new DomainError(
          UserErrorCode.SSO_MANAGED,
          'This tenant signs users in through SSO, so passwords are managed by the identity ' +
            'provider. Reset the password there.',
          ['userId'],
        );
      }
      if (user.status !== UserStatus.ACTIVE) {
        throw new DomainError(
          UserErrorCode.INVALID_STATE,
          `${user.email} is ${user.status}. ` +
            (user.status === UserStatus.INVITED
              ? 'They have no password yet; resend their invitation instead.'
              : 'Reactivate them before resetting their password.'),
          ['userId'],
        );
      }
      const result = await this.issue(em, tenant, user);
      this.deps.audit.record(
        em,
        tenant,
        userActor(actor),
        'user.password_reset_requested',
        [{ type: 'user', id: user.id, display: user.email }],
        { expiresAt: result.expiresAt.toISOString() },
      );
      await em.flush();

      return result;
    });
    this.deps.outbox.notify();

    return sent;
  }

  private async issue(em: EntityManager, tenant: Tenant, user: User): Promise<ResetSent> {
    const now = new Date();
    const expiresAt = new Date(now.getTime() + RESET_TTL_MS);
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
}
