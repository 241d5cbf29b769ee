import { type EntityManager, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { AuditActorType } from '../audit/audit-event.entity';
import type { AuditActor } from '../audit/audit-log';
import { normalizeEmail } from '../common/email';
import { DomainError, UserErrorCode } from '../common/errors';
import { Invitation, InvitationStatus } from '../invitation/invitation.entity';
import type { ServiceDeps } from '../services';
import { capabilitiesOf } from '../tenant/capabilities';
import { ProvisioningMode, Tenant } from '../tenant/tenant.entity';
import { TenantRole, User, UserSource, UserStatus } from '../user/user.entity';

/** Who the identity provider says someone is, after their token or assertion was verified. */
export interface ExternalIdentity {
  /** The value of the connection's unique-id claim (`sub` by default). */
  subject: string;
  email?: string | null;
  /** Whether the IdP vouches for the email (`email_verified`, or a SAML IdP's assertion). */
  emailVerified: boolean;
  displayName?: string | null;
  /** How they arrived, for the audit log: `oidc`, `saml` or `api_token`. */
  via: string;
}

const MAX_ATTEMPTS = 3;

/**
 * Turns a verified external identity into a user of the tenant, by one set of rules for every
 * sign-in path: match the IdP subject, then the verified email; refuse deactivated users; let
 * the provisioning mode decide about strangers; accept a pending invitation for that email.
 */
export class IdentityResolutionService {
  constructor(private readonly deps: ServiceDeps) {}

  async resolve(tenantId: string, identity: ExternalIdentity): Promise<User> {
    // Two first sign-ins of one person can race to create the user; the loser finds it.
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.deps.em.transactional((em) => this.resolveOnce(em, tenantId, identity));
      } catch (error) {
        if (!(error instanceof UniqueConstraintViolationException) || attempt >= MAX_ATTEMPTS) {
          throw error;
        }
      }
    }
  }

  private async resolveOnce(em: EntityManager, tenantId: string, identity: ExternalIdentity) {
    const tenant = await em.findOneOrFail(Tenant, { id: tenantId });
    const email = verifiedEmail(identity);
    let user = await em.findOne(User, { tenant, idpSubject: identity.subject });
    if (!user && email) {
      user = await em.findOne(User, { tenant, email });
      if (user?.idpSubject && user.idpSubject !== identity.subject) {
        throw new DomainError(
          UserErrorCode.IDENTITY_MISMATCH,
          'This email belongs to an account linked to a different identity at the identity ' +
            'provider. Ask an admin to check the account.',
        );
      }
    }
    if (user?.status === UserStatus.DEACTIVATED) {
      throw new DomainError(
        UserErrorCode.USER_DEACTIVATED,
        'This account is deactivated. Ask an admin of the tenant to reactivate it.',
      );
    }
    const actor = (target: User): AuditActor => ({
      type: AuditActorType.USER,
      id: target.id,
      email: target.email,
    });

    if (!user) {
      user = this.provisionStranger(em, tenant, identity, email);
      this.deps.audit.record(
        em,
        tenant,
        actor(user),
        'user.jit_provisioned',
        [{ type: 'user', id: user.id, display: user.email }],
        { via: identity.via },
      );
    }
    if (user.status === UserStatus.INVITED) await this.acceptInvitation(em, tenant, user, actor);
    await em.flush();
    await this.touch(em, user, identity.subject);

    return user;
  }

  /**
   * Links the IdP subject and records the sign-in. Written without the user's version: these
   * are facts about the sign-in, not edits, and concurrent sign-ins of one user must not fail
   * each other's optimistic lock.
   */
  private async touch(em: EntityManager, user: User, subject: string): Promise<void> {
    // Raw SQL on purpose: the ORM's nativeUpdate would bump the version column too.
    // em.execute runs inside the transaction; the bare connection would wait for another one.
    await em.execute(
      'update "app_user" set "last_seen_at" = now(), ' +
        '"idp_subject" = coalesce("idp_subject", ?) where "id" = ?',
      [subject, user.id],
    );
  }

  /** Creates a user at first sign-in where the mode allows it; otherwise says why not. */
  private provisionStranger(
    em: EntityManager,
    tenant: Tenant,
    identity: ExternalIdentity,
    email: string | null,
  ): User {
    const mode = tenant.provisioningMode;
    if (mode === ProvisioningMode.SCIM) {
      throw new DomainError(
        UserErrorCode.NOT_PROVISIONED,
        'Your identity provider has not provisioned you to this tenant yet. Ask your IT team ' +
          'to assign you to the application, then try again.',
      );
    }
    if (!capabilitiesOf(mode).createUsersAutomatically) {
      throw new DomainError(
        UserErrorCode.NOT_INVITED,
        'This tenant admits people by invitation only, and none is pending for you. Ask an ' +
          'admin to invite you.',
      );
    }
    if (!email) {
      throw new DomainError(
        UserErrorCode.INVALID_VALUE,
        'The identity provider did not send a verified email, which a new account needs. Ask ' +
          'the IdP admin to release a verified email claim.',
      );
    }

    return em.create(User, {
      tenant,
      email,
      displayName: identity.displayName ?? null,
      idpSubject: identity.subject,
      role: TenantRole.MEMBER,
      status: UserStatus.ACTIVE,
      source: UserSource.JIT,
    });
  }

  /**
   * An invited person who signs in with the invited, verified email joins as invited: same
   * account, same role. Only a verified email reaches this, so the wrong account cannot use up
   * someone else's invitation.
   */
  private async acceptInvitation(
    em: EntityManager,
    tenant: Tenant,
    user: User,
    actor: (user: User) => AuditActor,
  ) {
    const now = new Date();
    const accepted = await em.nativeUpdate(
      Invitation,
      { tenant, user, storedStatus: InvitationStatus.PENDING, expiresAt: { $gt: now } },
      { storedStatus: InvitationStatus.ACCEPTED, acceptedAt: now },
    );
    if (accepted === 0) {
      throw new DomainError(
        UserErrorCode.NOT_INVITED,
        'Your invitation has expired or was revoked. Ask an admin to send a new one.',
      );
    }
    user.status = UserStatus.ACTIVE;
    this.deps.audit.record(em, tenant, actor(user), 'user.invitation_accepted', [
      { type: 'user', id: user.id, display: user.email },
    ]);
  }
}

function verifiedEmail(identity: ExternalIdentity): string | null {
  if (!identity.emailVerified || !identity.email) return null;
  try {
    return normalizeEmail(identity.email);
  } catch {
    return null;
  }
}
