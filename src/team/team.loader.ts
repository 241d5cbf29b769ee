import DataLoader from 'dataloader';
import { groupBy } from '../common/group-by';
import type { PageRequest } from '../graphql/pagination';
import type { User } from '../user/user.entity';
import type { MembershipView, TeamService } from './team.service';

export interface MembersKey extends PageRequest {
  teamId: string;
}

export function createTeamLoaders(teams: TeamService, tenantId: () => string) {
  return {
    membershipsByUser: new DataLoader<string, MembershipView[]>(async (userIds) => {
      const grouped = await teams.membershipsOfUsers(tenantId(), userIds);

      return userIds.map((id) => grouped.get(id) ?? []);
    }),

    managersByTeam: new DataLoader<string, User[]>(async (teamIds) => {
      const grouped = await teams.managersOfTeams(tenantId(), teamIds);

      return teamIds.map((id) => grouped.get(id) ?? []);
    }),

    // Teams asked for the same page (same `first` and `after`) share one statement.
    membersByTeam: new DataLoader<MembersKey, User[], string>(
      async (keys) => {
        const results = new Map<string, User[]>();
        const byPage = groupBy(keys, (key) => `${key.first}|${key.afterId ?? ''}`);
        for (const group of byPage.values()) {
          const page = { first: group[0].first, afterId: group[0].afterId };
          const grouped = await teams.membersOfTeams(
            tenantId(),
            group.map((key) => key.teamId),
            page,
          );
          for (const key of group) results.set(membersKey(key), grouped.get(key.teamId) ?? []);
        }

        return keys.map((key) => results.get(membersKey(key)) ?? []);
      },
      { cacheKeyFn: membersKey },
    ),

    memberCountByTeam: new DataLoader<string, number>(async (teamIds) => {
      const counts = await teams.memberCounts(tenantId(), teamIds);

      return teamIds.map((id) => counts.get(id) ?? 0);
    }),
  };
}

function membersKey(key: MembersKey): string {
  return `${key.teamId}|${key.first}|${key.afterId ?? ''}`;
}
