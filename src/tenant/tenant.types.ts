import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { UserError } from '../graphql/user-error';
import { ScimToken } from '../scim/scim-token.entity';
import { ProvisioningMode, Tenant } from './tenant.entity';

@InputType()
export class SetProvisioningModeInput {
  @Field(() => ProvisioningMode)
  mode!: ProvisioningMode;

  @Field(() => Boolean, {
    defaultValue: false,
    description: 'Report the exact impact and change nothing.',
  })
  dryRun = false;
}

@ObjectType()
export class ModeChangeImpact {
  @Field(() => Int)
  scimTokensRevoked!: number;

  @Field(() => Int, { description: 'SCIM-created teams handed over to the admins.' })
  teamsReleased!: number;

  @Field(() => Int, { description: 'SCIM-created users handed over to the admins.' })
  usersReleased!: number;
}

@ObjectType()
export class SetProvisioningModePayload {
  @Field(() => Tenant, { nullable: true })
  tenant?: Tenant | null;

  @Field(() => ModeChangeImpact, { nullable: true })
  impact?: ModeChangeImpact | null;

  @Field(() => [UserError], { description: 'Advice that did not stop the change.' })
  warnings!: UserError[];

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@ObjectType({ description: 'Where and how an identity provider reaches the SCIM API.' })
export class ScimSettings {
  @Field(() => String)
  baseUrl!: string;

  @Field(() => [ScimToken], { description: 'Tokens valid now; never the tokens themselves.' })
  tokens!: ScimToken[];
}

@InputType()
export class RotateScimTokenInput {
  @Field(() => Int, {
    defaultValue: 0,
    description: 'How long the previous token keeps working, 0 to 10080 minutes.',
  })
  gracePeriodMinutes = 0;
}

@ObjectType()
export class RotateScimTokenPayload {
  @Field(() => String, { nullable: true, description: 'Shown only here; store it now.' })
  token?: string | null;

  @Field(() => String, { nullable: true })
  scimBaseUrl?: string | null;

  @Field(() => ScimToken, { nullable: true })
  scimToken?: ScimToken | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@ObjectType()
export class TenantPayload {
  @Field(() => Tenant, { nullable: true })
  tenant?: Tenant | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}
