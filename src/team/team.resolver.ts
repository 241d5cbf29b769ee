import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { type GraphQLContext, requireActor } from '../graphql/context';
import { ConnectionType, PageArgs, pageRequest, toPage } from '../graphql/pagination';
import { User } from '../user/user.entity';
import { UserConnection } from '../user/user.types';
import { Team } from './team.entity';

const TeamConnection = ConnectionType(Team, 'Team');

@Resolver(() => Team)
export class TeamResolver {
  @Authorized()
  @Query(() => Team, { nullable: true })
  team(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<Team | null> {
    return ctx.services.teams.get(requireActor(ctx).tenantId, id);
  }

  @Authorized()
  @Query(() => TeamConnection)
  async teams(@Args(() => PageArgs) args: PageArgs, @Ctx() ctx: GraphQLContext) {
    const page = await ctx.services.teams.list(requireActor(ctx).tenantId, pageRequest(args));

    return TeamConnection.from(page);
  }

  @FieldResolver(() => UserConnection)
  async members(
    @Root() team: Team,
    @Args(() => PageArgs) args: PageArgs,
    @Ctx() ctx: GraphQLContext,
  ) {
    const request = pageRequest(args);
    const rows = await ctx.loaders.membersByTeam.load({ teamId: team.id, ...request });

    return UserConnection.from(
      toPage(rows, request.first, () => ctx.loaders.memberCountByTeam.load(team.id)),
    );
  }

  @FieldResolver(() => [User])
  managers(@Root() team: Team, @Ctx() ctx: GraphQLContext): Promise<User[]> {
    return ctx.loaders.managersByTeam.load(team.id);
  }
}
