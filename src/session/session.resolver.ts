import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context';
import { asPayload } from '../graphql/user-error';
import { RefreshSessionInput, SessionPayload } from './session.types';

@Resolver()
export class SessionResolver {
  @Mutation(() => SessionPayload, {
    description:
      'Public. Exchanges a refresh token for a new access and refresh token. A refresh token ' +
      'works once: presenting it again ends the session for every holder.',
  })
  refreshSession(
    @Arg('input', () => RefreshSessionInput) input: RefreshSessionInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<SessionPayload> {
    return asPayload(async () => ({
      session: await ctx.services.sessions.refresh(input.refreshToken),
    }));
  }
}
