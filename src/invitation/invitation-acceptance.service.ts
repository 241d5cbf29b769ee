import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { accountActor } from '../audit/audit-log';
import type { Actor } from '../auth/actor';
import { hashesEqual, hashToken, parseToken } from '../auth/secret-token';
import { DomainError, UserErrorCode } from '../common/errors';
import { refuseIfSsoManaged, setPassword } from '../password/local-passwords';
import type { ServiceDeps } from '../services';
import { type IssuedSession, SessionService } from '../session/session.service';
import { type User, UserStatus } from '../user/user.entity';
import { Invitation, InvitationStatus } from './invitation.entity';

const MAX_DISPLAY_NAME_LENGTH = 200;

/** What the holder of an invitation link may see before accepting it, and nothing more. */
export interface InvitationPreview {
  tenantName: string;
  email: string;
  expiresAt: Date;
}

export interface AcceptInvitationInput {
  token: string;
  password?: string | null;
  displayName?: string | null;
}

export interface Accepted {
  user: User;
  session: IssuedSession;
  /** The new user as a caller, for the rest of the request. */
  actor: Actor;
}

const invalidInvitationToken = () =>
  DomainError.invalidToken(
    'invitation link',
    'token',
    'Ask an administrator of the tenant to resend the invitation.',
  );

/**
 * The invitee's side of an invitation: looking at it, and accepting it with a password. Every
 * link that does not work (unknown, expired, revoked, already accepted) gets the same answer.
 */
export class InvitationAcceptanceService {
  private readonly em: EntityManager;

  constructor(private readonly deps: ServiceDeps) {
    this.em = deps.em;
  }

  async preview(token: string): Promise<InvitationPreview | null> {
    const invitation = await this.findPending(this.em, token, false);
    if (!invitation) return null;

    return {
      tenantName: invitation.tenant.name,
      email: invitation.email,
      expiresAt: invitation.expiresAt,
    };
  }

  /**
   * Makes the invited user ACTIVE with the password they chose and signs them in. In a tenant
   * with SSO the identity provider owns passwords, so acceptance happens at the first SSO
   * sign-in instead and the link is left unused.
   */
  async accept(input: AcceptInvitationInput): Promise<Accepted> {
    const accepted = await this.em.transactional(async (em) => {
      const invitation = await this.findPending(em, input.token, true);
      if (!invitation) throw invalidInvitationToken();
      const { tenant, user } = invitation;
      await refuseIfSsoManaged(
        em,
        tenant,
        'token',
        `Accept the invitation by signing in through the identity provider as ${user.email}.`,
      );
      const displayName = this.displayName(input.displayName);
      await setPassword(em, this.deps.passwords, user, input.password, 'password');

      const now = new Date();
      invitation.storedStatus = InvitationStatus.ACCEPTED;
      invitation.acceptedAt = now;
      user.status = UserStatus.ACTIVE;
      if (displayName) user.displayName = displayName;
      const session = await new SessionService({ ...this.deps, em }).start(em, tenant, user);
      this.deps.audit.record(em, tenant, accountActor(user), 'user.invitation_accepted', [
        { type: 'user', id: user.id, display: user.email },
        { type: 'invitation', id: invitation.id, display: invitation.email },
      ]);
      await em.flush();

      return { user, session };
    });
    const { user, session } = accepted;

    return {
      ...accepted,
      actor: {
        userId: user.id,
        tenantId: user.tenant.id,
        email: user.email,
        role: user.role,
        sessionId: session.sessionId,
      },
    };
  }

  /** The PENDING invitation a link leads to, with its tenant and user; null for any other. */
  private async findPending(
    em: EntityManager,
    token: string,
    lock: boolean,
  ): Promise<Invitation | null> {
    const parsed = parseToken(token);
    if (parsed?.kind !== 'inv') return null;
    const hash = hashToken(token);
    // Locked when accepting, so that one link cannot be accepted twice at the same moment.
    const invitation = await em.findOne(
      Invitation,
      { tenant: parsed.tenantId, tokenHash: hash },
      lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {},
    );
    if (!invitation || !hashesEqual(invitation.tokenHash, hash)) return null;
    if (invitation.status !== InvitationStatus.PENDING) return null;
    await em.populate(invitation, ['tenant', 'user']);

    return invitation.user.status === UserStatus.INVITED ? invitation : null;
  }

  private displayName(value: string | null | undefined): string | null {
    const trimmed = value?.trim() ?? '';
    if (trimmed.length > MAX_DISPLAY_NAME_LENGTH) {
      throw new DomainError(
        UserErrorCode.INVALID_VALUE,
        `displayName must be at most ${MAX_DISPLAY_NAME_LENGTH} characters; received ` +
          `${trimmed.length}.`,
        ['displayName'],
      );
    }

    return trimmed || null;
  }
}
