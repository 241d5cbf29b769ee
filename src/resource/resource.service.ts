import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuditTarget } from '../audit/audit-event.entity';
import { userActor } from '../audit/audit-log';
import { type Actor, isAdmin } from '../auth/actor';
import { DomainError, UserErrorCode } from '../common/errors';
import { groupBy } from '../common/group-by';
import { isUuid } from '../common/ids';
import { type Page, type PageRequest, toPage } from '../graphql/pagination';
import type { ServiceDeps } from '../services';
import { Team } from '../team/team.entity';
import { Tenant } from '../tenant/tenant.entity';
import { User, UserStatus } from '../user/user.entity';
import { Resource, type ResourceKind } from './resource.entity';
import { ResourceCollaborator, ResourceRole } from './resource-collaborator.entity';

export interface NewResource {
  kind: ResourceKind;
  name: string;
}

/** Names one collaborator: exactly one of the two ids must be given. */
export interface CollaboratorRef {
  resourceId: string;
  userId?: string | null;
  teamId?: string | null;
}

export interface CollaboratorGrant extends CollaboratorRef {
  role: ResourceRole;
}

type Subject = { user: User; team?: undefined } | { team: Team; user?: undefined };

const MAX_NAME_LENGTH = 200;

/** A resource is shared with a user who is a collaborator directly or through a team. */
const SHARED_WITH_USER = `exists (
  select 1 from "resource_collaborator" rc
  where rc.tenant_id = r.tenant_id and rc.resource_id = r.id and (
    rc.user_id = ? or rc.team_id in (
      select tm.team_id from "team_membership" tm
      where tm.tenant_id = r.tenant_id and tm.user_id = ?)))`;

export class ResourceService {
  private readonly em: EntityManager;

  constructor(private readonly deps: ServiceDeps) {
    this.em = deps.em;
  }

  /** Every resource of the tenant for an ADMIN; for anyone else, those shared with them. */
  async list(actor: Actor, page: PageRequest): Promise<Page<Resource>> {
    const visible = () => {
      const query = this.em.createQueryBuilder(Resource, 'r').where({ tenant: actor.tenantId });
      if (!isAdmin(actor)) query.andWhere(SHARED_WITH_USER, [actor.userId, actor.userId]);

      return query;
    };
    const query = visible()
      .orderBy({ id: 'asc' })
      .limit(page.first + 1);
    if (page.afterId) query.andWhere({ id: { $gt: page.afterId } });
    const rows = await query.getResultList();

    return toPage(rows, page.first, () => visible().getCount());
  }

  /** The collaborators of many resources at once, with their user or team loaded. */
  async collaboratorsOf(tenantId: string, resourceIds: readonly string[]) {
    const rows = await this.em.find(
      ResourceCollaborator,
      { tenant: tenantId, resource: { $in: [...resourceIds] } },
      { populate: ['user', 'team'], orderBy: { id: 'asc' } },
    );

    return groupBy(rows, (collaborator) => collaborator.resource.id);
  }

  /**
   * Creates a resource with its creator as its first ADMIN collaborator. Any signed-in user
   * may: authentication already refuses users who are not ACTIVE.
   */
  async create(actor: Actor, input: NewResource): Promise<Resource> {
    const name = resourceName(input.name);

    return this.em.transactional(async (tx) => {
      const tenant = tx.getReference(Tenant, actor.tenantId);
      const creator = tx.getReference(User, actor.userId);
      const resource = tx.create(Resource, {
        tenant,
        kind: input.kind,
        name,
        createdBy: creator,
        createdByEmail: actor.email,
      });
      tx.create(ResourceCollaborator, {
        tenant,
        resource,
        user: creator,
        role: ResourceRole.ADMIN,
      });
      this.deps.audit.record(
        tx,
        tenant,
        userActor(actor),
        'resource.created',
        [resourceTarget(resource)],
        { kind: input.kind },
      );
      await tx.flush();

      return resource;
    });
  }

  /** Gives a user or team a role on a resource, or changes the role it already has. */
  async addCollaborator(actor: Actor, grant: CollaboratorGrant): Promise<Resource> {
    assertOneSubject(grant);

    return this.em.transactional(async (tx) => {
      const resource = await lockResource(tx, actor.tenantId, grant.resourceId);
      await assertAdministers(tx, actor, resource);
      const subject = await findSubject(tx, actor.tenantId, grant);
      if (subject.user?.status === UserStatus.DEACTIVATED) {
        throw new DomainError(
          UserErrorCode.INVALID_STATE,
          `User "${subject.user.email}" is DEACTIVATED and cannot be given access. ` +
            'Reactivate the user first.',
          ['userId'],
        );
      }

      const existing = await tx.findOne(ResourceCollaborator, {
        tenant: resource.tenant,
        resource,
        ...subject,
      });
      const previousRole = existing?.role ?? null;
      if (existing) {
        if (grant.role !== ResourceRole.ADMIN) await assertKeepsAnAdmin(tx, resource, existing);
        existing.role = grant.role;
      } else {
        tx.create(ResourceCollaborator, {
          tenant: resource.tenant,
          resource,
          ...subject,
          role: grant.role,
        });
      }
      this.deps.audit.record(
        tx,
        resource.tenant,
        userActor(actor),
        'resource.collaborator_added',
        [resourceTarget(resource), subjectTarget(subject)],
        { role: grant.role, previousRole },
      );
      await tx.flush();

      return resource;
    });
  }

  /** Takes a user's or team's access away; one that has none is left as it is. */
  async removeCollaborator(actor: Actor, ref: CollaboratorRef): Promise<Resource> {
    assertOneSubject(ref);

    return this.em.transactional(async (tx) => {
      const resource = await lockResource(tx, actor.tenantId, ref.resourceId);
      await assertAdministers(tx, actor, resource);
      const subject = await findSubject(tx, actor.tenantId, ref);

      const existing = await tx.findOne(ResourceCollaborator, {
        tenant: resource.tenant,
        resource,
        ...subject,
      });
      if (existing) {
        await assertKeepsAnAdmin(tx, resource, existing);
        tx.remove(existing);
      }
      this.deps.audit.record(
        tx,
        resource.tenant,
        userActor(actor),
        'resource.collaborator_removed',
        [resourceTarget(resource), subjectTarget(subject)],
        { previousRole: existing?.role ?? null },
      );
      await tx.flush();

      return resource;
    });
  }
}

const resourceTarget = (resource: Resource): AuditTarget => ({
  type: 'resource',
  id: resource.id,
  display: resource.name,
});

const subjectTarget = (subject: Subject): AuditTarget =>
  subject.user
    ? { type: 'user', id: subject.user.id, display: subject.user.email }
    : { type: 'team', id: subject.team.id, display: subject.team.name };

function resourceName(input: string): string {
  const name = input.trim();
  if (name.length === 0 || name.length > MAX_NAME_LENGTH) {
    throw new DomainError(
      UserErrorCode.INVALID_NAME,
      `A resource name must be 1 to ${MAX_NAME_LENGTH} characters once trimmed; ` +
        `received ${name.length}.`,
      ['name'],
    );
  }

  return name;
}

function assertOneSubject(ref: CollaboratorRef): void {
  const given = [ref.userId, ref.teamId].filter((id) => id != null).length;
  if (given === 1) return;

  throw DomainError.badInput(
    'userId',
    `Give exactly one of userId and teamId; received ${given === 0 ? 'neither' : 'both'}.`,
  );
}

/**
 * Loads a resource to change its collaborators, locked until the transaction ends: changes to
 * one resource apply one after the other, so two removals cannot each leave the other admin.
 */
async function lockResource(tx: EntityManager, tenantId: string, id: string): Promise<Resource> {
  const resource = isUuid(id)
    ? await tx.findOne(Resource, { id, tenant: tenantId }, { lockMode: LockMode.PESSIMISTIC_WRITE })
    : null;
  if (!resource) throw DomainError.notFound('resource', id, 'resourceId');

  return resource;
}

/** Tenant ADMINs administer every resource; anyone else needs a direct ADMIN grant on it. */
async function assertAdministers(tx: EntityManager, actor: Actor, resource: Resource) {
  if (isAdmin(actor)) return;
  const grants = await tx.count(ResourceCollaborator, {
    tenant: resource.tenant,
    resource,
    user: actor.userId,
    role: ResourceRole.ADMIN,
  });
  if (grants === 0) {
    throw DomainError.forbidden(
      `change the collaborators of resource "${resource.name}"`,
      'the ADMIN role or the ADMIN role on that resource',
    );
  }
}

async function findSubject(tx: EntityManager, tenantId: string, ref: CollaboratorRef) {
  if (ref.userId != null) {
    const user = isUuid(ref.userId)
      ? await tx.findOne(User, { id: ref.userId, tenant: tenantId })
      : null;
    if (!user) throw DomainError.notFound('user', ref.userId, 'userId');

    return { user } satisfies Subject;
  }
  const teamId = ref.teamId!;
  const team = isUuid(teamId) ? await tx.findOne(Team, { id: teamId, tenant: tenantId }) : null;
  if (!team) throw DomainError.notFound('team', teamId, 'teamId');

  return { team } satisfies Subject;
}

/**
 * Refuses to demote or remove the last direct ADMIN collaborator: without one, only tenant
 * ADMINs could manage the resource's access any more. Team grants do not count, because a
 * team's ADMIN role does not let its members manage collaborators.
 */
async function assertKeepsAnAdmin(
  tx: EntityManager,
  resource: Resource,
  collaborator: ResourceCollaborator,
): Promise<void> {
  if (!collaborator.user || collaborator.role !== ResourceRole.ADMIN) return;
  const admins = await tx.count(ResourceCollaborator, {
    tenant: resource.tenant,
    resource,
    user: { $ne: null },
    role: ResourceRole.ADMIN,
  });
  if (admins > 1) return;

  throw new DomainError(
    UserErrorCode.LAST_ADMIN,
    `This user is the last ADMIN collaborator of resource "${resource.name}". ` +
      'Make another user an ADMIN collaborator first.',
    ['userId'],
  );
}
