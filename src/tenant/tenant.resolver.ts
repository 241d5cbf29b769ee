import { Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { type GraphQLContext, requireActor } from '../graphql/context';
import { Tenant } from './tenant.entity';

@Resolver(() => Tenant)
export class TenantResolver {
  @Authorized()
  @Query(() => Tenant, { description: "The caller's tenant." })
  tenant(@Ctx() ctx: GraphQLContext): Promise<Tenant> {
    return ctx.services.tenants.get(requireActor(ctx).tenantId);
  }
}
