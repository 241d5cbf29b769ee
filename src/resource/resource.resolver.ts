import {
  Arg,
  Args,
  Authorized,
  Ctx,
  FieldResolver,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { type GraphQLContext, requireActor } from '../graphql/context';
import { ConnectionType, PageArgs, pageRequest } from '../graphql/pagination';
import { asPayload } from '../graphql/user-error';
import { User } from '../user/user.entity';
import { Resource } from './resource.entity';
import {
  AddResourceCollaboratorInput,
  AddResourceCollaboratorPayload,
  CreateResourceInput,
  CreateResourcePayload,
  RemoveResourceCollaboratorInput,
  RemoveResourceCollaboratorPayload,
} from './resource.types';
import { ResourceCollaborator } from './resource-collaborator.entity';

const ResourceConnection = ConnectionType(Resource, 'Resource');

@Resolver(() => Resource)
export class ResourceResolver {
  @Authorized()
  @Query(() => ResourceConnection, {
    description: 'Every resource for an ADMIN; for a MEMBER, those shared with them or a team.',
  })
  async resources(@Args(() => PageArgs) args: PageArgs, @Ctx() ctx: GraphQLContext) {
    const page = await ctx.services.resources.list(requireActor(ctx), pageRequest(args));

    return ResourceConnection.from(page);
  }

  @Authorized()
  @Mutation(() => CreateResourcePayload, { description: 'The creator becomes its ADMIN.' })
  createResource(
    @Arg('input', () => CreateResourceInput) input: CreateResourceInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<CreateResourcePayload> {
    return asPayload(async () => ({
      resource: await ctx.services.resources.create(requireActor(ctx), input),
    }));
  }

  @Authorized()
  @Mutation(() => AddResourceCollaboratorPayload, {
    description: 'A tenant ADMIN or an ADMIN collaborator of the resource.',
  })
  addResourceCollaborator(
    @Arg('input', () => AddResourceCollaboratorInput) input: AddResourceCollaboratorInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<AddResourceCollaboratorPayload> {
    return asPayload(async () => ({
      resource: await ctx.services.resources.addCollaborator(requireActor(ctx), input),
    }));
  }

  @Authorized()
  @Mutation(() => RemoveResourceCollaboratorPayload, {
    description: 'A tenant ADMIN or an ADMIN collaborator of the resource.',
  })
  removeResourceCollaborator(
    @Arg('input', () => RemoveResourceCollaboratorInput) input: RemoveResourceCollaboratorInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<RemoveResourceCollaboratorPayload> {
    return asPayload(async () => ({
      resource: await ctx.services.resources.removeCollaborator(requireActor(ctx), input),
    }));
  }

  @FieldResolver(() => [ResourceCollaborator])
  collaborators(@Root() resource: Resource, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.collaboratorsByResource.load(resource.id);
  }

  @FieldResolver(() => User, { nullable: true, description: 'Null once the creator is deleted.' })
  async createdBy(@Root() resource: Resource, @Ctx() ctx: GraphQLContext) {
    return resource.createdBy ? ctx.loaders.userById.load(resource.createdBy.id) : null;
  }
}
