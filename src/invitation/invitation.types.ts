import { EmailAddressResolver } from 'graphql-scalars';
import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { UserError } from '../graphql/user-error';
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
