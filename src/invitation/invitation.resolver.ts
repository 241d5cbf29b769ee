import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { type GraphQLContext, requireActor } from '../graphql/context';
import { asPayload } from '../graphql/user-error';
import { User } from '../user/user.entity';
import { Invitation } from './invitation.entity';
import { InviteUserInput, InviteUserPayload } from './invitation.types';

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

  @FieldResolver(() => User, { nullable: true, description: 'Null once the inviter is deleted.' })
  invitedBy(@Root() invitation: Invitation, @Ctx() ctx: GraphQLContext) {
    return invitation.invitedBy ? ctx.loaders.userById.load(invitation.invitedBy.id) : null;
  }
}
