import { Arg, Authorized, Ctx, Field, InputType, Mutation, Resolver } from 'type-graphql';
import { type GraphQLContext, requireActor } from '../graphql/context';
import { asPayload } from '../graphql/user-error';
import { TenantPayload } from '../tenant/tenant.types';
import { ConfigureSsoInput } from './sso.types';

@InputType({ description: 'Nothing to give; the field exists because inputs cannot be empty.' })
export class RemoveSsoInput {
  @Field(() => String, { nullable: true, description: 'Echoed nowhere; for client bookkeeping.' })
  clientMutationId?: string | null;
}

@Resolver()
export class SsoResolver {
  @Authorized()
  @Mutation(() => TenantPayload, {
    description: "Creates or replaces the tenant's SSO connection.",
  })
  configureSso(
    @Arg('input', () => ConfigureSsoInput) input: ConfigureSsoInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<TenantPayload> {
    return asPayload(async () => ({
      tenant: await ctx.services.sso.configure(requireActor(ctx), input),
    }));
  }

  @Authorized()
  @Mutation(() => TenantPayload)
  removeSso(
    @Arg('input', () => RemoveSsoInput, { defaultValue: {} }) _input: RemoveSsoInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<TenantPayload> {
    return asPayload(async () => ({ tenant: await ctx.services.sso.remove(requireActor(ctx)) }));
  }
}
