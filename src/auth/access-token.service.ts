import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditLog, userActor } from '../audit/audit-log';
import { DomainError } from '../common/errors';
import { isUuid } from '../common/ids';
import type { Tenant } from '../tenant/tenant.entity';
import { type TenantRole, User, UserStatus } from '../user/user.entity';
import { AccessToken } from './access-token.entity';
import type { Actor } from './actor';
import {
  hashesEqual,
  hashToken,
  issueToken,
  LAST_USED_RESOLUTION_MS,
  parseToken,
} from './secret-token';

const MAX_NAME_LENGTH = 100;

interface TokenRow {
  id: string;
  token_hash: string;
  /** Timestamps arrive as PostgreSQL's text, as the ORM's driver configures them. */
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
  user_id: string;
  email: string;
  role: TenantRole;
  status: UserStatus;
}

const refused = () =>
  DomainError.unauthenticated(
    'The access token is invalid, expired or revoked. Sign in again or create a new token.',
  );

export interface CreatedAccessToken {
  token: string;
  accessToken: AccessToken;
}

export class AccessTokenService {
  constructor(
    private readonly em: EntityManager,
    /** Authentication alone writes nothing, so it may leave the audit log out. */
    private readonly audit: AuditLog = new AuditLog({}),
  ) {}

  /**
   * Resolves a bearer token to its actor. Any token that is malformed, unknown, expired or
   * revoked, or whose user is not ACTIVE, is refused with one generic message. This runs on
   * every request, so it reads one joined row instead of loading two entities.
   */
  async authenticate(bearer: string, now = new Date()): Promise<Actor> {
    const parsed = parseToken(bearer);
    if (parsed?.kind !== 'pat') throw refused();

    const hash = hashToken(bearer);
    const [row]: TokenRow[] = await this.em.getConnection().execute(
      `select t.id, t.token_hash, t.expires_at, t.revoked_at, t.last_used_at,
              u.id as user_id, u.email, u.role, u.status
       from "access_token" t
       join "app_user" u on u.id = t.user_id and u.tenant_id = t.tenant_id
       where t.tenant_id = ? and t.token_hash = ?`,
      [parsed.tenantId, hash],
    );
    if (!row || !hashesEqual(row.token_hash, hash)) throw refused();
    const expiresAt = row.expires_at ? new Date(row.expires_at) : null;
    if (row.revoked_at || (expiresAt && expiresAt <= now)) throw refused();
    if (row.status !== UserStatus.ACTIVE) throw refused();

    const lastUsed = row.last_used_at ? new Date(row.last_used_at).getTime() : 0;
    if (now.getTime() - lastUsed > LAST_USED_RESOLUTION_MS) {
      await this.em.nativeUpdate(AccessToken, { id: row.id }, { lastUsedAt: now });
    }

    return {
      userId: row.user_id,
      tenantId: parsed.tenantId,
      email: row.email,
      role: row.role,
      accessTokenId: row.id,
    };
  }

  /** Issues a token for `user`; the caller must flush. The plain token is returned only here. */
  issue(tenant: Tenant, user: User, name: string, expiresAt?: Date | null): CreatedAccessToken {
    const trimmed = name.trim();
    if (trimmed.length === 0 || trimmed.length > MAX_NAME_LENGTH) {
      throw DomainError.badInput(
        'name',
        `name must be 1 to ${MAX_NAME_LENGTH} characters; received ${trimmed.length}.`,
      );
    }
    if (expiresAt && expiresAt.getTime() <= Date.now()) {
      throw DomainError.badInput(
        'expiresAt',
        `expiresAt must be in the future; received ${expiresAt.toISOString()}.`,
      );
    }
    const issued = issueToken('pat', tenant.id);
    const accessToken = this.em.create(AccessToken, {
      tenant,
      user,
      name: trimmed,
      tokenHash: issued.hash,
      prefix: issued.prefix,
      expiresAt: expiresAt ?? null,
    });

    return { token: issued.token, accessToken };
  }

  async create(actor: Actor, name: string, expiresAt?: Date | null): Promise<CreatedAccessToken> {
    return this.em.transactional(async (em) => {
      const user = await em.findOneOrFail(
        User,
        { id: actor.userId, tenant: actor.tenantId },
        { populate: ['tenant'] },
      );
      const created = new AccessTokenService(em).issue(user.tenant, user, name, expiresAt);
      this.audit.record(em, user.tenant, userActor(actor), 'access_token.created', [
        { type: 'access_token', id: created.accessToken.id, display: created.accessToken.prefix },
      ]);
      await em.flush();

      return created;
    });
  }

  /** Revokes one of the caller's own tokens; revoking twice keeps the first revocation time. */
  async revoke(actor: Actor, id: string): Promise<AccessToken> {
    return this.em.transactional(async (em) => {
      const token = isUuid(id)
        ? await em.findOne(AccessToken, { id, tenant: actor.tenantId, user: actor.userId })
        : null;
      if (!token) throw DomainError.notFound('access token of yours', id, 'id');
      if (!token.revokedAt) {
        token.revokedAt = new Date();
        this.audit.record(em, actor.tenantId, userActor(actor), 'access_token.revoked', [
          { type: 'access_token', id: token.id, display: token.prefix },
        ]);
      }
      await em.flush();

      return token;
    });
  }

  listOwn(actor: Actor): Promise<AccessToken[]> {
    return this.em.find(
      AccessToken,
      { tenant: actor.tenantId, user: actor.userId },
      { orderBy: { id: 'asc' } },
    );
  }
}
