import { Field, InputType, ObjectType } from 'type-graphql';
import { UserError } from '../graphql/user-error';

@ObjectType({
  description:
    'Credentials from a sign-in. Send `accessToken` as "Authorization: Bearer"; before it ' +
    'expires, exchange `refreshToken` for a new pair with `refreshSession`.',
})
export class Session {
  @Field(() => String, { description: 'A JWT, valid for 15 minutes.' })
  accessToken!: string;

  @Field(() => String, { description: 'Single-use: each refresh returns the next one.' })
  refreshToken!: string;

  @Field(() => Date, { description: 'When the access token expires.' })
  expiresAt!: Date;
}

@InputType()
export class RefreshSessionInput {
  @Field(() => String)
  refreshToken!: string;
}

@ObjectType()
export class SessionPayload {
  @Field(() => Session, { nullable: true })
  session?: Session | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}
