import { TenantRole } from '../user/user.entity';

/** Who is calling: always a user of exactly one tenant, taken from the bearer token. */
export interface Actor {
  userId: string;
  tenantId: string;
  email: string;
  role: TenantRole;
  accessTokenId: string;
}

export const isAdmin = (actor: Actor): boolean => actor.role === TenantRole.ADMIN;
