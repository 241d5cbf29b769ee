import { Args, Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { type GraphQLContext, requireActor } from '../graphql/context';
import { ConnectionType, PageArgs, pageRequest } from '../graphql/pagination';
import { TenantRole, User } from '../user/user.entity';
import { Resource } from './resource.entity';
import { ResourceCollaborator } from './resource-collaborator.entity';

const ResourceConnection = ConnectionType(Resource, 'Resource');

@Resolver(() => Resource)
export class ResourceResolver {
  @Authorized(TenantRole.ADMIN)
  @Query(() => ResourceConnection)
  async resources(@Args(() => PageArgs) args: PageArgs, @Ctx() ctx: GraphQLContext) {
    const page = await ctx.services.resources.list(requireActor(ctx).tenantId, pageRequest(args));

    return ResourceConnection.from(page);
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
