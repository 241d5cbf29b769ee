import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditLog, type RequestMeta } from './audit/audit-log';
import { AccessTokenService } from './auth/access-token.service';
import { ResourceService } from './resource/resource.service';
import type { Runtime } from './runtime';
import { TeamService } from './team/team.service';
import { TenantService } from './tenant/tenant.service';
import { UserService } from './user/user.service';

/** What every service is built with: one unit of work, the process runtime, the request. */
export interface ServiceDeps extends Runtime {
  em: EntityManager;
  audit: AuditLog;
  meta: RequestMeta;
}

/** The domain services, bound to one unit of work (a request's or a CLI command's). */
export function createServices(em: EntityManager, runtime: Runtime, meta: RequestMeta = {}) {
  const deps: ServiceDeps = { ...runtime, em, meta, audit: new AuditLog(meta) };

  return {
    accessTokens: new AccessTokenService(em),
    resources: new ResourceService(em),
    teams: new TeamService(em),
    tenants: new TenantService(deps),
    users: new UserService(deps),
  };
}

export type Services = ReturnType<typeof createServices>;
