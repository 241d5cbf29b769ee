import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { type GraphQLContext, requireActor } from '../graphql/context';
import { PageArgs, pageRequest } from '../graphql/pagination';
import type { MembershipView } from '../team/team.service';
import { TeamMembership } from '../team/team-membership.entity';
import { User } from './user.entity';
import { UserConnection, UserFilter } from './user.types';

@Resolver(() => User)
export class UserResolver {
  @Authorized()
  @Query(() => User, { description: 'The signed-in user.' })
  viewer(@Ctx() ctx: GraphQLContext): Promise<User> {
    return ctx.services.users.viewer(requireActor(ctx));
  }

  @Authorized()
  @Query(() => User, { nullable: true })
  user(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<User | null> {
    return ctx.services.users.get(requireActor(ctx).tenantId, id);
  }

  @Authorized()
  @Query(() => UserConnection)
  async users(
    @Args(() => PageArgs) args: PageArgs,
    @Arg('filter', () => UserFilter, { nullable: true }) filter: UserFilter | null,
    @Ctx() ctx: GraphQLContext,
  ) {
    const page = await ctx.services.users.list(
      requireActor(ctx).tenantId,
      pageRequest(args),
      filter ?? {},
    );

    return UserConnection.from(page);
  }

  @FieldResolver(() => [TeamMembership])
  teams(@Root() user: User, @Ctx() ctx: GraphQLContext): Promise<MembershipView[]> {
    return ctx.loaders.membershipsByUser.load(user.id);
  }
}
