import { EmailAddressResolver } from 'graphql-scalars';
import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { UserError } from '../graphql/user-error';
import { Session } from '../session/session.types';
import { TenantRole, User } from '../user/user.entity';
import { Invitation } from './invitation.entity';

@InputType()
export class InviteUserInput {
  @Field(() => EmailAddressResolver)
  email!: string;

  @Field(() => TenantRole, { defaultValue: TenantRole.MEMBER })
  role: TenantRole = TenantRole.MEMBER;

  @Field(() => [ID], { defaultValue: [], description: 'Teams the user joins right away.' })
  teamIds!: string[];
}

@ObjectType()
export class InviteUserPayload {
  @Field(() => User, { nullable: true })
  user?: User | null;

  @Field(() => Invitation, { nullable: true })
  invitation?: Invitation | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@InputType()
export class InvitationIdInput {
  @Field(() => ID)
  invitationId!: string;
}

@ObjectType()
export class InvitationPayload {
  @Field(() => Invitation, { nullable: true })
  invitation?: Invitation | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@ObjectType({ description: 'What an invitation link shows before it is accepted.' })
export class InvitationPreview {
  @Field(() => String)
  tenantName!: string;

  @Field(() => EmailAddressResolver)
  email!: string;

  @Field(() => Date)
  expiresAt!: Date;
}

@InputType()
export class AcceptInvitationInput {
  @Field(() => String, { description: 'The token from the invitation link.' })
  token!: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Required in tenants without SSO: at least 12 characters, not the email, not a common ' +
      'password.',
  })
  password?: string | null;

  @Field(() => String, { nullable: true, description: 'At most 200 characters.' })
  displayName?: string | null;
}

@ObjectType()
export class AcceptInvitationPayload {
  @Field(() => User, { nullable: true })
  user?: User | null;

  @Field(() => Session, { nullable: true })
  session?: Session | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}
