import { Field, InputType, ObjectType } from 'type-graphql';
import { UserError } from '../graphql/user-error';

@InputType()
export class SignInInput {
  @Field(() => String)
  tenantSlug!: string;

  @Field(() => String)
  email!: string;

  @Field(() => String)
  password!: string;
}

@InputType()
export class RequestPasswordResetInput {
  @Field(() => String)
  tenantSlug!: string;

  @Field(() => String)
  email!: string;
}

@ObjectType({
  description:
    'The same answer whether or not the account exists: if it does, a link is on its way.',
})
export class RequestPasswordResetPayload {
  @Field(() => [UserError])
  userErrors!: UserError[];
}

@InputType()
export class CompletePasswordResetInput {
  @Field(() => String, { description: 'The token from the reset link.' })
  token!: string;

  @Field(() => String, {
    description: 'At least 12 characters, not the email, not a common password.',
  })
  newPassword!: string;
}

@ObjectType()
export class CompletePasswordResetPayload {
  @Field(() => [UserError])
  userErrors!: UserError[];
}
