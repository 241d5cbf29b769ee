import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context';
import { asPayload } from '../graphql/user-error';
import { SessionPayload } from '../session/session.types';
import {
  CompletePasswordResetInput,
  CompletePasswordResetPayload,
  RequestPasswordResetInput,
  RequestPasswordResetPayload,
  SignInInput,
} from './password.types';

/** The public password operations: none of them needs a token. */
@Resolver()
export class PasswordResolver {
  @Mutation(() => SessionPayload, {
    description: 'Public. Signs in with a local password; tenants with SSO answer SSO_MANAGED.',
  })
  signIn(
    @Arg('input', () => SignInInput) input: SignInInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<SessionPayload> {
    return asPayload(async () => ({ session: await ctx.services.signIn.signIn(input) }));
  }

  @Mutation(() => RequestPasswordResetPayload, {
    description: 'Public. Mails a reset link, valid for 1 hour, if the account exists.',
  })
  requestPasswordReset(
    @Arg('input', () => RequestPasswordResetInput) input: RequestPasswordResetInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<RequestPasswordResetPayload> {
    return asPayload(async () => {
      await ctx.services.passwordResets.requestBySelf(input);

      return {};
    });
  }

  @Mutation(() => CompletePasswordResetPayload, {
    description:
      'Public. Sets the new password and signs the user out everywhere: every session and ' +
      'personal access token is revoked.',
  })
  completePasswordReset(
    @Arg('input', () => CompletePasswordResetInput) input: CompletePasswordResetInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<CompletePasswordResetPayload> {
    return asPayload(async () => {
      await ctx.services.passwordResets.complete(input.token, input.newPassword);

      return {};
    });
  }
}
