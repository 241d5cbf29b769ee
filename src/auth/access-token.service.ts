import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError } from '../common/errors';
import { isUuid } from '../common/ids';
import type { Tenant } from '../tenant/tenant.entity';
import { User, UserStatus } from '../user/user.entity';
import { AccessToken } from './access-token.entity';
import type { Actor } from './actor';
import { hashesEqual, hashToken, issueToken, parseToken } from './secret-token';

/** `lastUsedAt` is advisory; writing it on every request would turn reads into writes. */
const LAST_USED_RESOLUTION_MS = 60_000;
const MAX_NAME_LENGTH = 100;

export interface CreatedAccessToken {
  token: string;
  accessToken: AccessToken;
}

export class AccessTokenService {
  constructor(private readonly em: EntityManager) {}

  /**
   * Resolves a bearer token to its actor. Any token that is malformed, unknown, expired or
   * revoked, or whose user is not ACTIVE, is refused with one generic message.
   */
  async authenticate(bearer: string, now = new Date()): Promise<Actor> {
    const refused = DomainError.unauthenticated(
      'The access token is invalid, expired or revoked. Sign in again or create a new token.',
    );
    const parsed = parseToken(bearer);
    if (parsed?.kind !== 'pat') throw refused;

    const hash = hashToken(bearer);
    const record = await this.em.findOne(
      AccessToken,
      { tenant: parsed.tenantId, tokenHash: hash },
      { populate: ['user'] },
    );
    if (!record || !hashesEqual(record.tokenHash, hash)) throw refused;
    if (record.revokedAt || (record.expiresAt && record.expiresAt <= now)) throw refused;
    if (record.user.status !== UserStatus.ACTIVE) throw refused;

    if (
      !record.lastUsedAt ||
      now.getTime() - record.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS
    ) {
      await this.em.nativeUpdate(AccessToken, { id: record.id }, { lastUsedAt: now });
    }

    return {
      userId: record.user.id,
      tenantId: parsed.tenantId,
      email: record.user.email,
      role: record.user.role,
      accessTokenId: record.id,
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
      token.revokedAt ??= new Date();
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
