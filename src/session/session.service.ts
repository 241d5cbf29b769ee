import type { EntityManager } from '@mikro-orm/postgresql';
import { accountActor, SYSTEM_ACTOR } from '../audit/audit-log';
import type { Actor } from '../auth/actor';
import { hashesEqual, hashToken, issueToken, parseToken } from '../auth/secret-token';
import { DomainError } from '../common/errors';
import { isUuid } from '../common/ids';
import type { ServiceDeps } from '../services';
import type { Tenant } from '../tenant/tenant.entity';
import { type TenantRole, User, UserStatus } from '../user/user.entity';
import { RefreshToken } from './refresh-token.entity';
import { SessionFamily } from './session-family.entity';

/** Short, because an access token is checked against its session on every request anyway. */
export const ACCESS_TOKEN_TTL_MS = 15 * 60 * 1000;
/** A session ends this long after its sign-in, however often it is refreshed. */
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** What a sign-in hands the client; the refresh token is shown only here. */
export interface IssuedSession {
  accessToken: string;
  refreshToken: string;
  /** When the access token expires. */
  expiresAt: Date;
  sessionId: string;
}

interface SessionRow {
  revoked_at: string | null;
  expires_at: string;
  email: string;
  role: TenantRole;
  status: UserStatus;
}

interface RefreshRow {
  id: string;
  session_id: string;
  token_hash: string;
  used_at: string | null;
}

const refused = () =>
  DomainError.unauthenticated(
    'The access token is invalid, expired or its session has ended. Refresh the session or ' +
      'sign in again.',
  );

const invalidRefreshToken = () =>
  DomainError.invalidToken('refresh token', 'refreshToken', 'Sign in again to start a session.');

/**
 * Sessions: a short-lived signed access token, and an opaque refresh token that is rotated on
 * every use. Presenting a refresh token a second time means it was copied, so the whole family
 * it belongs to is revoked, the legitimate holder's tokens included.
 */
export class SessionService {
  private readonly em: EntityManager;

  constructor(private readonly deps: ServiceDeps) {
    this.em = deps.em;
  }

  /** Starts a session for an ACTIVE user in the caller's transaction; the caller flushes. */
  async start(em: EntityManager, tenant: Tenant, user: User): Promise<IssuedSession> {
    const family = em.create(SessionFamily, {
      tenant,
      user,
      expiresAt: new Date(Date.now() + SESSION_TTL_MS),
    });

    return this.issue(em, tenant, user, family);
  }

  /** Exchanges a refresh token for a new pair. Any token that does not work gets one answer. */
  async refresh(refreshToken: string): Promise<IssuedSession> {
    const parsed = parseToken(refreshToken);
    if (parsed?.kind !== 'rft') throw invalidRefreshToken();

    const outcome = await this.em.transactional(async (em) => {
      const hash = hashToken(refreshToken);
      // Locked, so that two refreshes with one token are serialised: the second sees it used.
      const [row]: RefreshRow[] = await em.execute(
        `select id, session_id, token_hash, used_at from refresh_token
         where tenant_id = ? and token_hash = ? for update`,
        [parsed.tenantId, hash],
      );
      if (!row || !hashesEqual(row.token_hash, hash)) return null;
      const family = await em.findOne(
        SessionFamily,
        { id: row.session_id, tenant: parsed.tenantId },
        { populate: ['user', 'tenant'] },
      );
      if (!family || family.revokedAt || family.expiresAt <= new Date()) return null;
      if (row.used_at) {
        this.revokeFamily(em, family, 'reuse_detected');
        await em.flush();

        return null;
      }
      if (family.user.status !== UserStatus.ACTIVE) return null;

      await em.nativeUpdate(RefreshToken, { id: row.id }, { usedAt: new Date() });
      const issued = await this.issue(em, family.tenant, family.user, family);
      this.deps.audit.record(em, family.tenant, accountActor(family.user), 'session.refreshed', [
        { type: 'session', id: family.id, display: family.user.email },
      ]);
      await em.flush();

      return issued;
    });
    // A reused token's family is revoked and committed above; its holder learns only this.
    if (!outcome) throw invalidRefreshToken();

    return outcome;
  }

  /** Whether a bearer JWT claims to be one of this gateway's access tokens. */
  issuedHere(token: string): boolean {
    return this.deps.sessionKeys.isOwnToken(token);
  }

  /**
   * Resolves a session access token to its actor. The signature and expiry are checked first;
   * then one joined row tells whether the session still stands and the user is still ACTIVE.
   */
  async authenticate(accessToken: string): Promise<Actor> {
    let claims: { sub: string; tid: string; sid: string };
    try {
      claims = await this.deps.sessionKeys.verify(accessToken);
    } catch {
      throw refused();
    }
    if (![claims.sub, claims.tid, claims.sid].every((id) => typeof id === 'string' && isUuid(id))) {
      throw refused();
    }
    const [row]: SessionRow[] = await this.em.execute(
      `select s.revoked_at, s.expires_at, u.email, u.role, u.status
       from "session_family" s
       join "app_user" u on u.id = s.user_id and u.tenant_id = s.tenant_id
       where s.tenant_id = ? and s.id = ? and s.user_id = ?`,
      [claims.tid, claims.sid, claims.sub],
    );
    if (!row || row.revoked_at || new Date(row.expires_at) <= new Date()) throw refused();
    if (row.status !== UserStatus.ACTIVE) throw refused();

    return {
      userId: claims.sub,
      tenantId: claims.tid,
      email: row.email,
      role: row.role,
      sessionId: claims.sid,
    };
  }

  /** Ends every session of the user in the caller's transaction; returns how many were live. */
  revokeAll(em: EntityManager, tenant: Tenant, user: User, reason: string): Promise<number> {
    return em.nativeUpdate(
      SessionFamily,
      { tenant, user, revokedAt: null },
      { revokedAt: new Date(), revokedReason: reason },
    );
  }

  private revokeFamily(em: EntityManager, family: SessionFamily, reason: string): void {
    family.revokedAt = new Date();
    family.revokedReason = reason;
    this.deps.audit.record(
      em,
      family.tenant,
      SYSTEM_ACTOR,
      'session.revoked',
      [
        { type: 'session', id: family.id, display: family.user.email },
        { type: 'user', id: family.user.id, display: family.user.email },
      ],
      { reason },
    );
  }

  private async issue(
    em: EntityManager,
    tenant: Tenant,
    user: User,
    family: SessionFamily,
  ): Promise<IssuedSession> {
    const refresh = issueToken('rft', tenant.id);
    em.create(RefreshToken, { tenant, session: family, tokenHash: refresh.hash });
    // Whole seconds, as the token carries it, so `expiresAt` is exactly the token's `exp`.
    const issuedAt = new Date(Math.floor(Date.now() / 1000) * 1000);
    const expiresAt = new Date(
      Math.min(issuedAt.getTime() + ACCESS_TOKEN_TTL_MS, family.expiresAt.getTime()),
    );
    const accessToken = await this.deps.sessionKeys.sign(
      { sub: user.id, tid: tenant.id, sid: family.id },
      issuedAt,
      expiresAt,
    );

    return { accessToken, refreshToken: refresh.token, expiresAt, sessionId: family.id };
  }
}
