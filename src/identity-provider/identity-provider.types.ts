import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { UserError } from '../graphql/user-error';
import { IdentityProvider } from './identity-provider.entity';

@InputType()
export class AddIdentityProviderInput {
  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'Exactly the `iss` of its tokens.' })
  issuer!: string;

  @Field(() => String, { description: 'https (http only on loopback).' })
  jwksUri!: string;

  @Field(() => [String])
  audiences!: string[];

  @Field(() => String, { defaultValue: 'email' })
  emailClaim = 'email';

  @Field(() => String, { defaultValue: 'sub' })
  uniqueIdClaim = 'sub';
}

@ObjectType()
export class AddIdentityProviderPayload {
  @Field(() => IdentityProvider, { nullable: true })
  identityProvider?: IdentityProvider | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@InputType()
export class RemoveIdentityProviderInput {
  @Field(() => ID)
  id!: string;
}

@ObjectType()
export class RemoveIdentityProviderPayload {
  @Field(() => ID, { nullable: true })
  removedId?: string | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}
