import { LockMode } from '@mikro-orm/core';
import { type EntityManager, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import type { AuditTarget } from '../audit/audit-event.entity';
import { userActor } from '../audit/audit-log';
import { type Actor, isAdmin } from '../auth/actor';
import { requireAdmin } from '../auth/permissions';
import { DomainError, UserErrorCode } from '../common/errors';
import { groupBy } from '../common/group-by';
import { isUuid } from '../common/ids';
import { placeholders, readRows, splitRow } from '../db/read-model';
import { type Page, type PageRequest, toPage } from '../graphql/pagination';
import { ResourceCollaborator } from '../resource/resource-collaborator.entity';
import type { ServiceDeps } from '../services';
import { Tenant } from '../tenant/tenant.entity';
import { User, UserStatus } from '../user/user.entity';
import { Team } from './team.entity';
import { TeamMembership } from './team-membership.entity';
import { assertNotManagedByIdp, assertValidTeamName } from './team-rules';

/** A user's membership of a team, as the directory reads it. */
export interface MembershipView {
  userId: string;
  team: Team;
  isManager: boolean;
  createdAt: Date;
}

type Row = Record<string, unknown>;

const NIL_UUID = '00000000-0000-0000-0000-000000000000';

export interface NewTeam {
  name: string;
  description?: string | null;
}

/** Left-out fields keep their value; a null or empty description clears it. */
export interface TeamChanges {
  name?: string | null;
  description?: string | null;
}

export interface MembersChange {
  teamId: string;
  userIds: readonly string[];
  asManagers?: boolean | null;
}

const MAX_DESCRIPTION_LENGTH = 1000;
const MAX_USERS_PER_CHANGE = 100;

export class TeamService {
  private readonly em: EntityManager;

  constructor(private readonly deps: ServiceDeps) {
    this.em = deps.em;
  }

  async get(tenantId: string, id: string): Promise<Team | null> {
    if (!isUuid(id)) return null;

    return this.em.findOne(Team, { id, tenant: tenantId });
  }

  async list(tenantId: string, page: PageRequest): Promise<Page<Team>> {
    const rows = await this.em.find(
      Team,
      { tenant: tenantId, ...(page.afterId ? { id: { $gt: page.afterId } } : {}) },
      { orderBy: { id: 'asc' }, limit: page.first + 1 },
    );

    return toPage(rows, page.first, () => this.em.count(Team, { tenant: tenantId }));
  }

  async create(actor: Actor, input: NewTeam): Promise<Team> {
    requireAdmin(actor, 'create teams');
    assertValidTeamName(input.name);
    const description = cleanDescription(input.description);

    return withUniqueName(input.name, () =>
      this.em.transactional(async (tx) => {
        await assertNameFree(tx, actor.tenantId, input.name);
        const tenant = tx.getReference(Tenant, actor.tenantId);
        const team = tx.create(Team, { tenant, name: input.name, description });
        this.deps.audit.record(tx, tenant, userActor(actor), 'team.created', [teamTarget(team)]);
        await tx.flush();

        return team;
      }),
    );
  }

  async update(actor: Actor, teamId: string, changes: TeamChanges): Promise<Team> {
    requireAdmin(actor, 'change teams');
    const name = changes.name ?? undefined;
    if (name !== undefined) assertValidTeamName(name);
    const description =
      changes.description === undefined ? undefined : cleanDescription(changes.description);

    return withUniqueName(name, () =>
      this.em.transactional(async (tx) => {
        const { tenant, team } = await lockTeam(tx, actor.tenantId, teamId);
        assertNotManagedByIdp(tenant, team);
        const changed: Record<string, { from: string | null; to: string | null }> = {};
        if (name !== undefined && name !== team.name) {
          // A change of case only is a rename of the team onto itself, not a clash.
          await assertNameFree(tx, actor.tenantId, name, team.id);
          changed.name = { from: team.name, to: name };
          team.name = name;
        }
        if (description !== undefined && description !== (team.description ?? null)) {
          changed.description = { from: team.description ?? null, to: description };
          team.description = description;
        }
        this.deps.audit.record(tx, tenant, userActor(actor), 'team.updated', [teamTarget(team)], {
          changed,
        });
        await tx.flush();

        return team;
      }),
    );
  }

  /** Deletes a team; its memberships and the resource access it granted go with it. */
  async delete(actor: Actor, teamId: string): Promise<string> {
    requireAdmin(actor, 'delete teams');

    return this.em.transactional(async (tx) => {
      const { tenant, team } = await lockTeam(tx, actor.tenantId, teamId);
      assertNotManagedByIdp(tenant, team);
      const members = await tx.count(TeamMembership, { tenant, team });
      const resourceGrants = await tx.count(ResourceCollaborator, { tenant, team });
      this.deps.audit.record(tx, tenant, userActor(actor), 'team.deleted', [teamTarget(team)], {
        members,
        resourceGrants,
      });
      tx.remove(team);
      await tx.flush();

      return team.id;
    });
  }

  /**
   * Adds users to a team, or with `asManagers` makes them managers. Users already in the team
   * stay as they are, except that `asManagers` promotes them; it never demotes.
   */
  async addMembers(actor: Actor, change: MembersChange): Promise<Team> {
    const userIds = distinctUserIds(change.userIds);
    const asManagers = change.asManagers ?? false;

    return this.em.transactional(async (tx) => {
      const { tenant, team } = await lockTeam(tx, actor.tenantId, change.teamId);
      await assertManages(tx, actor, team);
      if (asManagers) requireAdmin(actor, 'make team managers');
      assertNotManagedByIdp(tenant, team);
      const users = await findUsers(tx, actor.tenantId, userIds);
      assertNoneDeactivated(users);

      const existing = await tx.find(TeamMembership, { tenant, team, user: { $in: userIds } });
      const byUser = new Map(existing.map((membership) => [membership.user.id, membership]));
      const added: User[] = [];
      const promoted: User[] = [];
      for (const user of users) {
        const membership = byUser.get(user.id);
        if (!membership) {
          tx.create(TeamMembership, { tenant, team, user, isManager: asManagers });
          added.push(user);
        } else if (asManagers && !membership.isManager) {
          membership.isManager = true;
          promoted.push(user);
        }
      }
      const targets = [teamTarget(team), ...[...added, ...promoted].map(userTarget)];
      this.deps.audit.record(tx, tenant, userActor(actor), 'team.members_added', targets, {
        asManagers,
        addedUserIds: added.map((user) => user.id),
        promotedUserIds: promoted.map((user) => user.id),
      });
      await tx.flush();

      return team;
    });
  }

  /**
   * Removes users from a team; users who are not members are skipped. A manager who is not an
   * ADMIN may remove members and leave the team, but not remove another manager: only an ADMIN
   * grants the manager role, so only an ADMIN takes it away.
   */
  async removeMembers(actor: Actor, change: MembersChange): Promise<Team> {
    const userIds = distinctUserIds(change.userIds);

    return this.em.transactional(async (tx) => {
      const { tenant, team } = await lockTeam(tx, actor.tenantId, change.teamId);
      await assertManages(tx, actor, team);
      assertNotManagedByIdp(tenant, team);
      const users = await findUsers(tx, actor.tenantId, userIds);

      const memberships = await tx.find(TeamMembership, { tenant, team, user: { $in: userIds } });
      if (memberships.some((m) => m.isManager && m.user.id !== actor.userId)) {
        requireAdmin(actor, `remove another manager from team "${team.name}"`);
      }
      const removed = new Set(memberships.map((membership) => membership.user.id));
      tx.remove(memberships);
      const targets = [teamTarget(team), ...users.filter((u) => removed.has(u.id)).map(userTarget)];
      this.deps.audit.record(tx, tenant, userActor(actor), 'team.members_removed', targets, {
        removedUserIds: [...removed],
      });
      await tx.flush();

      return team;
    });
  }

  /** The memberships of many users at once, each with its team, in one statement. */
  async membershipsOfUsers(
    tenantId: string,
    userIds: readonly string[],
  ): Promise<Map<string, MembershipView[]>> {
    const rows: Row[] = await this.em.getConnection().execute(
      `select tm.user_id as "m_user_id", tm.is_manager as "m_is_manager",
              tm.created_at as "m_created_at", t.*
       from "team_membership" tm
       join "team" t on t.id = tm.team_id and t.tenant_id = tm.tenant_id
       where tm.tenant_id = ? and tm.user_id in (${placeholders(userIds)})
       order by t.name`,
      [tenantId, ...userIds],
    );
    const split = rows.map((row) => splitRow(row, 'm_'));
    const teams = readRows(
      this.em,
      Team,
      split.map(([, team]) => team),
    );
    const memberships = split.map(([membership], i) => ({
      userId: String(membership.user_id),
      isManager: Boolean(membership.is_manager),
      createdAt: new Date(membership.created_at as string),
      team: teams[i],
    }));

    return groupBy(memberships, (membership) => membership.userId);
  }

  /** The managers of many teams at once, in one statement. */
  async managersOfTeams(
    tenantId: string,
    teamIds: readonly string[],
  ): Promise<Map<string, User[]>> {
    const rows: Row[] = await this.em.getConnection().execute(
      `select tm.team_id as "m_team_id", u.*
       from "team_membership" tm
       join "app_user" u on u.id = tm.user_id and u.tenant_id = tm.tenant_id
       where tm.tenant_id = ? and tm.team_id in (${placeholders(teamIds)}) and tm.is_manager
       order by u.id`,
      [tenantId, ...teamIds],
    );

    return this.usersByTeam(rows);
  }

  /**
   * One page of members for each of many teams, in a single statement: a window function
   * numbers each team's members in id order, and the first `first + 1` of each are kept.
   */
  async membersOfTeams(
    tenantId: string,
    teamIds: readonly string[],
    page: PageRequest,
  ): Promise<Map<string, User[]>> {
    const rows: Row[] = await this.em.getConnection().execute(
      `select m.team_id as "m_team_id", u.* from (
         select tm.team_id, tm.user_id,
                row_number() over (partition by tm.team_id order by tm.user_id) as position
         from "team_membership" tm
         where tm.tenant_id = ? and tm.team_id in (${placeholders(teamIds)}) and tm.user_id > ?
       ) m
       join "app_user" u on u.id = m.user_id and u.tenant_id = ?
       where m.position <= ?
       order by m.team_id, u.id`,
      [tenantId, ...teamIds, page.afterId ?? NIL_UUID, tenantId, page.first + 1],
    );

    return this.usersByTeam(rows);
  }

  async memberCounts(tenantId: string, teamIds: readonly string[]): Promise<Map<string, number>> {
    const rows: { team_id: string; count: string }[] = await this.em
      .getConnection()
      .execute(
        'select team_id, count(*) as count from "team_membership" ' +
          `where tenant_id = ? and team_id in (${placeholders(teamIds)}) group by team_id`,
        [tenantId, ...teamIds],
      );

    return new Map(rows.map((row) => [row.team_id, Number(row.count)]));
  }

  /** Groups user rows by the team each was found for, carried in the `m_team_id` column. */
  private usersByTeam(rows: Row[]): Map<string, User[]> {
    const split = rows.map((row) => splitRow(row, 'm_'));
    const users = readRows(
      this.em,
      User,
      split.map(([, user]) => user),
    );
    const grouped = groupBy(
      split.map(([membership], i) => ({ teamId: String(membership.team_id), user: users[i] })),
      (entry) => entry.teamId,
    );

    return new Map([...grouped].map(([teamId, list]) => [teamId, list.map((e) => e.user)]));
  }
}

const teamTarget = (team: Team): AuditTarget => ({ type: 'team', id: team.id, display: team.name });

const userTarget = (user: User): AuditTarget => ({
  type: 'user',
  id: user.id,
  display: user.email,
});

/**
 * Loads a team to change it, locked until the transaction ends so that concurrent changes to
 * its members apply one after the other. The tenant row is share-locked: a change of the
 * provisioning mode waits for this change instead of racing the managed-by-IdP check.
 */
export async function lockTeam(tx: EntityManager, tenantId: string, teamId: string) {
  const tenant = await tx.findOneOrFail(
    Tenant,
    { id: tenantId },
    { lockMode: LockMode.PESSIMISTIC_READ },
  );
  const team = isUuid(teamId)
    ? await tx.findOne(
        Team,
        { id: teamId, tenant: tenantId },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      )
    : null;
  if (!team) throw DomainError.notFound('team', teamId, 'teamId');

  return { tenant, team };
}

/** Every ADMIN manages every team; anyone else must be one of the team's managers. */
async function assertManages(tx: EntityManager, actor: Actor, team: Team): Promise<void> {
  if (isAdmin(actor)) return;
  const manages = await tx.count(TeamMembership, {
    tenant: actor.tenantId,
    team,
    user: actor.userId,
    isManager: true,
  });
  if (!manages) {
    throw DomainError.forbidden(
      `change the members of team "${team.name}"`,
      'the ADMIN role or being a manager of that team',
    );
  }
}

/**
 * Runs a change that may give a team `name`. Two requests can both pass the name check before
 * either commits; the unique index then refuses the later one, which must read as the same rule.
 */
export async function withUniqueName<T>(
  name: string | undefined,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (name !== undefined && error instanceof UniqueConstraintViolationException) {
      throw DomainError.alreadyExists('team', 'name', name);
    }
    throw error;
  }
}

export async function assertNameFree(
  tx: EntityManager,
  tenantId: string,
  name: string,
  exceptTeamId?: string,
): Promise<void> {
  const query = tx
    .createQueryBuilder(Team, 't')
    .where({ tenant: tenantId })
    .andWhere('lower(t.name) = lower(?)', [name]);
  if (exceptTeamId) query.andWhere({ id: { $ne: exceptTeamId } });
  if (await query.getCount()) throw DomainError.alreadyExists('team', 'name', name);
}

/** The users with these ids, in the same order; any id not in the tenant is reported at once. */
export async function findUsers(
  tx: EntityManager,
  tenantId: string,
  ids: string[],
): Promise<User[]> {
  const found = await tx.find(User, { tenant: tenantId, id: { $in: ids.filter(isUuid) } });
  const byId = new Map(found.map((user) => [user.id, user]));
  const unknown = ids.filter((id) => !byId.has(id));
  if (unknown.length > 0) {
    throw new DomainError(
      UserErrorCode.NOT_FOUND,
      `No user exists in this tenant with id ${unknown.map((id) => `"${id}"`).join(', ')}. ` +
        'Remove these ids from userIds.',
      ['userIds'],
    );
  }

  return ids.map((id) => byId.get(id)!);
}

/**
 * A deactivated user cannot use a membership now, and would silently gain the team's access on
 * reactivation; whoever reactivates them should decide that.
 */
function assertNoneDeactivated(users: User[]): void {
  const deactivated = users.filter((user) => user.status === UserStatus.DEACTIVATED);
  if (deactivated.length === 0) return;

  throw new DomainError(
    UserErrorCode.INVALID_STATE,
    `These users are DEACTIVATED: ${deactivated.map((user) => user.email).join(', ')}. ` +
      'Reactivate them first, or remove them from userIds.',
    ['userIds'],
  );
}

function distinctUserIds(ids: readonly string[]): string[] {
  const distinct = [...new Set(ids)];
  if (distinct.length === 0 || distinct.length > MAX_USERS_PER_CHANGE) {
    throw DomainError.badInput(
      'userIds',
      `userIds must name 1 to ${MAX_USERS_PER_CHANGE} users; received ${distinct.length}.`,
    );
  }

  return distinct;
}

/** Trims a description; an empty one is stored as none. */
function cleanDescription(description: string | null | undefined): string | null {
  const trimmed = description?.trim() ?? '';
  if (trimmed.length > MAX_DESCRIPTION_LENGTH) {
    throw DomainError.badInput(
      'description',
      `description must be at most ${MAX_DESCRIPTION_LENGTH} characters; ` +
        `received ${trimmed.length}.`,
    );
  }

  return trimmed === '' ? null : trimmed;
}
