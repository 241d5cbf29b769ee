import type { EntityManager } from '@mikro-orm/postgresql';
import { AccessTokenService } from './auth/access-token.service';
import { ResourceService } from './resource/resource.service';
import { TeamService } from './team/team.service';
import { TenantService } from './tenant/tenant.service';
import { UserService } from './user/user.service';

/** The domain services, bound to one unit of work (a request's or a CLI command's EntityManager). */
export function createServices(em: EntityManager) {
  return {
    accessTokens: new AccessTokenService(em),
    resources: new ResourceService(em),
    teams: new TeamService(em),
    tenants: new TenantService(em),
    users: new UserService(em),
  };
}

export type Services = ReturnType<typeof createServices>;
