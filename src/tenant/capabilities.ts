import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { ProvisioningMode } from './tenant.entity';

export enum SsoRequirement {
  REQUIRED = 'REQUIRED',
  RECOMMENDED = 'RECOMMENDED',
  NOT_REQUIRED = 'NOT_REQUIRED',
}

registerEnumType(SsoRequirement, { name: 'SsoRequirement' });

/** What a provisioning mode does. The services decide by these facts, and the API serves them. */
@ObjectType({ description: 'What a provisioning mode does, as the gateway enforces it.' })
export class ModeCapabilities {
  @Field(() => ProvisioningMode)
  mode!: ProvisioningMode;

  @Field(() => Boolean, { description: 'Users appear without an admin inviting them.' })
  createUsersAutomatically!: boolean;

  @Field(() => Boolean, { description: 'The identity provider deactivates users.' })
  deactivateUsersAutomatically!: boolean;

  @Field(() => Boolean, { description: "The identity provider's groups are synced as teams." })
  syncTeamsAutomatically!: boolean;

  @Field(() => SsoRequirement)
  ssoRequirement!: SsoRequirement;

  @Field(() => Boolean, { description: 'Every user needs an admin invitation.' })
  requiresAdminInvite!: boolean;

  @Field(() => Boolean, { description: 'Fits people who are not in the identity provider.' })
  suitedForExternalCollaborators!: boolean;

  @Field(() => Boolean, {
    description: 'The SCIM API accepts requests, and SCIM tokens can be issued.',
  })
  scimApiEnabled!: boolean;
}

/** The capability matrix: the single statement of what each mode does, in display order. */
export const CAPABILITY_MATRIX: readonly Readonly<ModeCapabilities>[] = Object.freeze(
  [
    {
      mode: ProvisioningMode.SCIM,
      createUsersAutomatically: true,
      deactivateUsersAutomatically: true,
      syncTeamsAutomatically: true,
      ssoRequirement: SsoRequirement.RECOMMENDED,
      requiresAdminInvite: false,
      suitedForExternalCollaborators: false,
      scimApiEnabled: true,
    },
    {
      mode: ProvisioningMode.JIT,
      createUsersAutomatically: true,
      deactivateUsersAutomatically: false,
      syncTeamsAutomatically: false,
      ssoRequirement: SsoRequirement.REQUIRED,
      requiresAdminInvite: false,
      suitedForExternalCollaborators: false,
      scimApiEnabled: false,
    },
    {
      mode: ProvisioningMode.INVITE_ONLY,
      createUsersAutomatically: false,
      deactivateUsersAutomatically: false,
      syncTeamsAutomatically: false,
      ssoRequirement: SsoRequirement.NOT_REQUIRED,
      requiresAdminInvite: true,
      suitedForExternalCollaborators: true,
      scimApiEnabled: false,
    },
  ].map((row) => Object.freeze(row)),
);

export function capabilitiesOf(mode: ProvisioningMode): Readonly<ModeCapabilities> {
  const row = CAPABILITY_MATRIX.find((candidate) => candidate.mode === mode);
  if (!row) throw new Error(`The capability matrix has no row for mode ${mode}`);

  return row;
}
