import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { UserError } from '../graphql/user-error';
import { AccessToken } from './access-token.entity';

@InputType()
export class CreateAccessTokenInput {
  @Field(() => String, { description: '1 to 100 characters, to recognise the token later.' })
  name!: string;

  @Field(() => Date, { nullable: true, description: 'Leave empty for a token that never expires.' })
  expiresAt?: Date | null;
}

@ObjectType()
export class CreateAccessTokenPayload {
  @Field(() => String, {
    nullable: true,
    description: 'The token itself. It is shown only here; store it now.',
  })
  token?: string | null;

  @Field(() => AccessToken, { nullable: true })
  accessToken?: AccessToken | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@InputType()
export class RevokeAccessTokenInput {
  @Field(() => ID)
  id!: string;
}

@ObjectType()
export class RevokeAccessTokenPayload {
  @Field(() => AccessToken, { nullable: true })
  accessToken?: AccessToken | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}
