import { Arg, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { actAs, type GraphQLContext, requireActor } from '../graphql/context';
import { asPayload } from '../graphql/user-error';
import { User } from '../user/user.entity';
import { Invitation } from './invitation.entity';
import {
  AcceptInvitationInput,
  AcceptInvitationPayload,
  InvitationIdInput,
  InvitationPayload,
  InvitationPreview,
  InviteUserInput,
  InviteUserPayload,
} from './invitation.types';

@Resolver(() => Invitation)
export class InvitationResolver {
  @Authorized()
  @Mutation(() => InviteUserPayload)
  inviteUser(
    @Arg('input', () => InviteUserInput) input: InviteUserInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<InviteUserPayload> {
    return asPayload(() => ctx.services.invitations.invite(requireActor(ctx), input));
  }

  @Authorized()
  @Mutation(() => InvitationPayload, {
    description: 'Mails a new link (the old one stops working) and extends the expiry.',
  })
  resendInvitation(
    @Arg('input', () => InvitationIdInput) input: InvitationIdInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<InvitationPayload> {
    return asPayload(async () => ({
      invitation: await ctx.services.invitations.resend(requireActor(ctx), input.invitationId),
    }));
  }

  @Authorized()
  @Mutation(() => InvitationPayload, { description: 'The link stops working; the user stays.' })
  revokeInvitation(
    @Arg('input', () => InvitationIdInput) input: InvitationIdInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<InvitationPayload> {
    return asPayload(async () => ({
      invitation: await ctx.services.invitations.revoke(requireActor(ctx), input.invitationId),
    }));
  }

  @Query(() => InvitationPreview, {
    nullable: true,
    description:
      'Public. The invitation a link leads to; null for any link that does not work, ' +
      'whatever the reason.',
  })
  invitation(
    @Arg('token', () => String) token: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<InvitationPreview | null> {
    return ctx.services.invitationAcceptance.preview(token);
  }

  @Mutation(() => AcceptInvitationPayload, {
    description: 'Public. Activates the invited user with a password and signs them in.',
  })
  acceptInvitation(
    @Arg('input', () => AcceptInvitationInput) input: AcceptInvitationInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<AcceptInvitationPayload> {
    return asPayload(async () => {
      const accepted = await ctx.services.invitationAcceptance.accept(input);
      // The payload's fields (the user's teams, say) resolve as the new user would see them.
      actAs(ctx, accepted.actor);

      return { user: accepted.user, session: accepted.session };
    });
  }

  @FieldResolver(() => User, { nullable: true, description: 'Null once the inviter is deleted.' })
  invitedBy(@Root() invitation: Invitation, @Ctx() ctx: GraphQLContext) {
    return invitation.invitedBy ? ctx.loaders.userById.load(invitation.invitedBy.id) : null;
  }
}
