import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { UserError } from '../graphql/user-error';
import { TenantRole, User } from './user.entity';

@InputType()
export class UserIdInput {
  @Field(() => ID)
  userId!: string;
}

@InputType()
export class SetUserRoleInput {
  @Field(() => ID)
  userId!: string;

  @Field(() => TenantRole)
  role!: TenantRole;
}

@ObjectType()
export class UserPayload {
  @Field(() => User, { nullable: true })
  user?: User | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@ObjectType()
export class NamedRef {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;
}

@ObjectType({ description: 'Everything that still gives the user access, to remove first.' })
export class DeletionBlockers {
  @Field(() => [NamedRef])
  teams!: NamedRef[];

  @Field(() => [NamedRef])
  resources!: NamedRef[];
}

@ObjectType()
export class DeleteUserPayload {
  @Field(() => ID, { nullable: true })
  deletedUserId?: string | null;

  @Field(() => DeletionBlockers, { nullable: true })
  blockers?: DeletionBlockers | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@ObjectType()
export class ResetPasswordPayload {
  @Field(() => String, { nullable: true, description: 'The address the link was sent to.' })
  sentTo?: string | null;

  @Field(() => Date, { nullable: true })
  expiresAt?: Date | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}
