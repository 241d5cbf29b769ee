import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { type GraphQLContext, requireActor } from '../graphql/context';
import { asPayload } from '../graphql/user-error';
import { Tenant } from '../tenant/tenant.entity';
import { IdentityProvider } from './identity-provider.entity';
import {
  AddIdentityProviderInput,
  AddIdentityProviderPayload,
  RemoveIdentityProviderInput,
  RemoveIdentityProviderPayload,
} from './identity-provider.types';

@Resolver(() => Tenant)
export class IdentityProviderResolver {
  @FieldResolver(() => [IdentityProvider], {
    description: 'Issuers whose JWTs the API accepts as bearer tokens (not SSO for the UI).',
  })
  identityProviders(@Root() tenant: Tenant, @Ctx() ctx: GraphQLContext) {
    return ctx.services.identityProviders.list(tenant.id);
  }

  @Authorized()
  @Mutation(() => AddIdentityProviderPayload)
  addIdentityProvider(
    @Arg('input', () => AddIdentityProviderInput) input: AddIdentityProviderInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<AddIdentityProviderPayload> {
    return asPayload(async () => ({
      identityProvider: await ctx.services.identityProviders.add(requireActor(ctx), input),
    }));
  }

  @Authorized()
  @Mutation(() => RemoveIdentityProviderPayload)
  removeIdentityProvider(
    @Arg('input', () => RemoveIdentityProviderInput) input: RemoveIdentityProviderInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<RemoveIdentityProviderPayload> {
    return asPayload(async () => ({
      removedId: await ctx.services.identityProviders.remove(requireActor(ctx), input.id),
    }));
  }
}
