import { TenantRole } from '../user/user.entity';

/** Who is calling: always a user of exactly one tenant, taken from the bearer token. */
export interface Actor {
  userId: string;
  tenantId: string;
  email: string;
  role: TenantRole;
  /** Set when the caller sent a personal access token. */
  accessTokenId?: string;
  /** Set when the caller sent a session's access token (a JWT). */
  sessionId?: string;
}

export const isAdmin = (actor: Actor): boolean => actor.role === TenantRole.ADMIN;
