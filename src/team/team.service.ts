import type { EntityManager } from '@mikro-orm/postgresql';
import { groupBy } from '../common/group-by';
import { isUuid } from '../common/ids';
import { readRows, splitRow } from '../db/read-model';
import { type Page, type PageRequest, toPage } from '../graphql/pagination';
import { User } from '../user/user.entity';
import { Team } from './team.entity';

/** A user's membership of a team, as the directory reads it. */
export interface MembershipView {
  userId: string;
  team: Team;
  isManager: boolean;
  createdAt: Date;
}

type Row = Record<string, unknown>;

const NIL_UUID = '00000000-0000-0000-0000-000000000000';

export class TeamService {
  constructor(private readonly em: EntityManager) {}

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

const placeholders = (values: readonly unknown[]): string => values.map(() => '?').join(', ');
