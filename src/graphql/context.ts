import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestMeta } from '../audit/audit-log';
import type { Actor } from '../auth/actor';
import { DomainError } from '../common/errors';
import { createResourceLoaders } from '../resource/resource.loader';
import type { Runtime } from '../runtime';
import { createServices, type Services } from '../services';
import { createTeamLoaders } from '../team/team.loader';
import { createUserLoaders } from '../user/user.loader';

/** Everything a resolver may use: one EntityManager, its services and loaders, and the caller. */
export interface GraphQLContext {
  requestId: string;
  actor: Actor | null;
  em: EntityManager;
  services: Services;
  loaders: Loaders;
}

export type Loaders = ReturnType<typeof createLoaders>;

function createLoaders(em: EntityManager, services: Services, tenantId: () => string) {
  return {
    ...createUserLoaders(em, tenantId),
    ...createTeamLoaders(services.teams, tenantId),
    ...createResourceLoaders(services.resources, tenantId),
  };
}

export function createContext(
  em: EntityManager,
  runtime: Runtime,
  actor: Actor | null,
  meta: RequestMeta & { requestId: string },
): GraphQLContext {
  const services = createServices(em, runtime, meta);
  const requestId = meta.requestId;
  const tenantId = () => requireActor({ actor }).tenantId;

  return { requestId, actor, em, services, loaders: createLoaders(em, services, tenantId) };
}

/** The caller; resolvers reached without one were let through by mistake, so refuse loudly. */
export function requireActor(context: Pick<GraphQLContext, 'actor'>): Actor {
  if (!context.actor) {
    throw DomainError.unauthenticated('Send an access token as "Authorization: Bearer <token>".');
  }

  return context.actor;
}
