import type { EntityManager } from '@mikro-orm/postgresql';
import { groupBy } from '../common/group-by';
import { isUuid } from '../common/ids';
import { type Page, type PageRequest, toPage } from '../graphql/pagination';
import { User } from '../user/user.entity';
import { Team } from './team.entity';
import { TeamMembership } from './team-membership.entity';

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

  /** The memberships of many users at once, each with its team loaded. */
  async membershipsOfUsers(tenantId: string, userIds: readonly string[]) {
    const rows = await this.em.find(
      TeamMembership,
      { tenant: tenantId, user: { $in: [...userIds] } },
      { populate: ['team'], orderBy: { team: { name: 'asc' } } },
    );

    return groupBy(rows, (membership) => membership.user.id);
  }

  /** The managers of many teams at once. */
  async managersOfTeams(tenantId: string, teamIds: readonly string[]) {
    const rows = await this.em.find(
      TeamMembership,
      { tenant: tenantId, team: { $in: [...teamIds] }, isManager: true },
      { populate: ['user'], orderBy: { user: { id: 'asc' } } },
    );
    const grouped = groupBy(rows, (membership) => membership.team.id);

    return new Map([...grouped].map(([teamId, list]) => [teamId, list.map((m) => m.user)]));
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
    const rows: Record<string, unknown>[] = await this.em.getConnection().execute(
      `select u.*, m.team_id as "membership_team_id" from (
         select tm.team_id, tm.user_id,
                row_number() over (partition by tm.team_id order by tm.user_id) as position
         from "team_membership" tm
         where tm.tenant_id = ? and tm.team_id in (${placeholders(teamIds)}) and tm.user_id > ?
       ) m
       join "app_user" u on u.id = m.user_id and u.tenant_id = ?
       where m.position <= ?
       order by m.team_id, u.id`,
      [
        tenantId,
        ...teamIds,
        page.afterId ?? '00000000-0000-0000-0000-000000000000',
        tenantId,
        page.first + 1,
      ],
    );
    const grouped = groupBy(rows, (row) => String(row.membership_team_id));

    return new Map(
      [...grouped].map(([teamId, list]) => [
        teamId,
        list.map(({ membership_team_id: _, ...row }) => this.em.map(User, row)),
      ]),
    );
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
}

const placeholders = (values: readonly unknown[]): string => values.map(() => '?').join(', ');
