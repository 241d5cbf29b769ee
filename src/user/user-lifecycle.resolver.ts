import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { type GraphQLContext, requireActor } from '../graphql/context';
import { asPayload } from '../graphql/user-error';
import type { DeletionBlockers } from './user-lifecycle.service';
import {
  DeleteUserPayload,
  ResetPasswordPayload,
  SetUserRoleInput,
  UserIdInput,
  UserPayload,
} from './user-lifecycle.types';

@Resolver()
export class UserLifecycleResolver {
  @Authorized()
  @Mutation(() => UserPayload)
  deactivateUser(
    @Arg('input', () => UserIdInput) input: UserIdInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<UserPayload> {
    return asPayload(async () => ({
      user: await ctx.services.lifecycle.deactivate(requireActor(ctx), input.userId),
    }));
  }

  @Authorized()
  @Mutation(() => UserPayload)
  reactivateUser(
    @Arg('input', () => UserIdInput) input: UserIdInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<UserPayload> {
    return asPayload(async () => ({
      user: await ctx.services.lifecycle.reactivate(requireActor(ctx), input.userId),
    }));
  }

  @Authorized()
  @Mutation(() => DeleteUserPayload)
  deleteUser(
    @Arg('input', () => UserIdInput) input: UserIdInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<DeleteUserPayload> {
    return asPayload(
      async () => ({
        deletedUserId: await ctx.services.lifecycle.delete(requireActor(ctx), input.userId),
      }),
      (error) => ({ blockers: error.details?.blockers as DeletionBlockers | undefined }),
    );
  }

  @Authorized()
  @Mutation(() => UserPayload)
  setUserRole(
    @Arg('input', () => SetUserRoleInput) input: SetUserRoleInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<UserPayload> {
    return asPayload(async () => ({
      user: await ctx.services.lifecycle.setRole(requireActor(ctx), input.userId, input.role),
    }));
  }

  @Authorized()
  @Mutation(() => ResetPasswordPayload, {
    description: 'Mails the user a single-use link to choose a new password, valid for 1 hour.',
  })
  resetPassword(
    @Arg('input', () => UserIdInput) input: UserIdInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ResetPasswordPayload> {
    return asPayload(() =>
      ctx.services.passwordResets.requestByAdmin(requireActor(ctx), input.userId),
    );
  }
}
