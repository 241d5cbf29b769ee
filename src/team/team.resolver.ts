import {
  Arg,
  Args,
  Authorized,
  Ctx,
  FieldResolver,
  ID,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { type GraphQLContext, requireActor } from '../graphql/context';
import { ConnectionType, PageArgs, pageRequest, toPage } from '../graphql/pagination';
import { asPayload } from '../graphql/user-error';
import { User } from '../user/user.entity';
import { UserConnection } from '../user/user.types';
import { Team } from './team.entity';
import {
  AddTeamMembersInput,
  AddTeamMembersPayload,
  CreateTeamInput,
  CreateTeamPayload,
  DeleteTeamInput,
  DeleteTeamPayload,
  RemoveTeamMembersInput,
  RemoveTeamMembersPayload,
  UpdateTeamInput,
  UpdateTeamPayload,
} from './team.types';

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

  @Authorized()
  @Mutation(() => CreateTeamPayload, { description: 'ADMIN only.' })
  createTeam(
    @Arg('input', () => CreateTeamInput) input: CreateTeamInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<CreateTeamPayload> {
    return asPayload(async () => ({
      team: await ctx.services.teams.create(requireActor(ctx), input),
    }));
  }

  @Authorized()
  @Mutation(() => UpdateTeamPayload, { description: 'ADMIN only.' })
  updateTeam(
    @Arg('input', () => UpdateTeamInput) input: UpdateTeamInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<UpdateTeamPayload> {
    return asPayload(async () => ({
      team: await ctx.services.teams.update(requireActor(ctx), input.teamId, input),
    }));
  }

  @Authorized()
  @Mutation(() => DeleteTeamPayload, { description: 'ADMIN only.' })
  deleteTeam(
    @Arg('input', () => DeleteTeamInput) input: DeleteTeamInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<DeleteTeamPayload> {
    return asPayload(async () => ({
      deletedTeamId: await ctx.services.teams.delete(requireActor(ctx), input.teamId),
    }));
  }

  @Authorized()
  @Mutation(() => AddTeamMembersPayload, { description: "An ADMIN or one of the team's managers." })
  addTeamMembers(
    @Arg('input', () => AddTeamMembersInput) input: AddTeamMembersInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<AddTeamMembersPayload> {
    return asPayload(async () => ({
      team: await ctx.services.teams.addMembers(requireActor(ctx), input),
    }));
  }

  @Authorized()
  @Mutation(() => RemoveTeamMembersPayload, {
    description: "An ADMIN or one of the team's managers.",
  })
  removeTeamMembers(
    @Arg('input', () => RemoveTeamMembersInput) input: RemoveTeamMembersInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<RemoveTeamMembersPayload> {
    return asPayload(async () => ({
      team: await ctx.services.teams.removeMembers(requireActor(ctx), input),
    }));
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
