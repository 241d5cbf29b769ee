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
  /**
   * Who signed in during this request, if anyone. Apollo hands resolvers a shallow copy of the
   * context, so a sign-in is recorded in this shared object rather than in `actor`.
   */
  signedIn: { actor: Actor | null };
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
  const signedIn = { actor: null as Actor | null };
  // Read at load time, not now: a public mutation may sign someone in halfway (see `actAs`).
  const tenantId = () => requireActor({ actor: actor ?? signedIn.actor }).tenantId;

  return {
    requestId: meta.requestId,
    actor,
    em,
    services,
    loaders: createLoaders(em, services, tenantId),
    signedIn,
  };
}

/**
 * Makes a user who just signed in (by accepting an invitation) the caller for the rest of this
 * request, so that the mutation's payload resolves as it would on their next request.
 */
export function actAs(context: GraphQLContext, actor: Actor): void {
  context.signedIn.actor = actor;
  context.actor ??= actor;
}

/** The caller; resolvers reached without one were let through by mistake, so refuse loudly. */
export function requireActor(context: Pick<GraphQLContext, 'actor'>): Actor {
  if (!context.actor) {
    throw DomainError.unauthenticated('Send an access token as "Authorization: Bearer <token>".');
  }

  return context.actor;
}
