import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { type GraphQLContext, requireActor } from '../graphql/context';
import { asPayload } from '../graphql/user-error';
import { AccessToken } from './access-token.entity';
import {
  CreateAccessTokenInput,
  CreateAccessTokenPayload,
  RevokeAccessTokenInput,
  RevokeAccessTokenPayload,
} from './access-token.types';

@Resolver(() => AccessToken)
export class AccessTokenResolver {
  @Authorized()
  @Query(() => [AccessToken], { description: "The caller's own personal access tokens." })
  accessTokens(@Ctx() ctx: GraphQLContext): Promise<AccessToken[]> {
    return ctx.services.accessTokens.listOwn(requireActor(ctx));
  }

  @Authorized()
  @Mutation(() => CreateAccessTokenPayload)
  createAccessToken(
    @Arg('input', () => CreateAccessTokenInput) input: CreateAccessTokenInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<CreateAccessTokenPayload> {
    return asPayload(() =>
      ctx.services.accessTokens.create(requireActor(ctx), input.name, input.expiresAt),
    );
  }

  @Authorized()
  @Mutation(() => RevokeAccessTokenPayload)
  revokeAccessToken(
    @Arg('input', () => RevokeAccessTokenInput) input: RevokeAccessTokenInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<RevokeAccessTokenPayload> {
    return asPayload(async () => ({
      accessToken: await ctx.services.accessTokens.revoke(requireActor(ctx), input.id),
    }));
  }
}
