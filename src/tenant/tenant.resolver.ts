import { Arg, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { type GraphQLContext, requireActor } from '../graphql/context';
import { asPayload, toUserError } from '../graphql/user-error';
import { SsoConnection } from '../sso/sso-connection.entity';
import { CAPABILITY_MATRIX, capabilitiesOf, ModeCapabilities } from './capabilities';
import { Tenant } from './tenant.entity';
import {
  RotateScimTokenInput,
  RotateScimTokenPayload,
  ScimSettings,
  SetProvisioningModeInput,
  SetProvisioningModePayload,
} from './tenant.types';

@Resolver(() => Tenant)
export class TenantResolver {
  @Authorized()
  @Query(() => Tenant, { description: "The caller's tenant." })
  tenant(@Ctx() ctx: GraphQLContext): Promise<Tenant> {
    return ctx.services.tenants.get(requireActor(ctx).tenantId);
  }

  @Query(() => [ModeCapabilities], {
    description: 'What each provisioning mode does: SCIM, JIT, INVITE_ONLY, in that order.',
  })
  capabilityMatrix(): readonly ModeCapabilities[] {
    return CAPABILITY_MATRIX;
  }

  @FieldResolver(() => ModeCapabilities, { description: 'The matrix row of the current mode.' })
  capabilities(@Root() tenant: Tenant): ModeCapabilities {
    return capabilitiesOf(tenant.provisioningMode);
  }

  @FieldResolver(() => SsoConnection, { nullable: true, description: 'Never includes secrets.' })
  sso(@Root() tenant: Tenant, @Ctx() ctx: GraphQLContext): Promise<SsoConnection | null> {
    return ctx.services.sso.find(tenant.id);
  }

  @FieldResolver(() => ScimSettings)
  async scim(@Root() tenant: Tenant, @Ctx() ctx: GraphQLContext): Promise<ScimSettings> {
    return {
      baseUrl: ctx.services.scimTokens.baseUrl(tenant),
      tokens: await ctx.services.scimTokens.validTokens(tenant.id),
    };
  }

  @Authorized()
  @Mutation(() => SetProvisioningModePayload)
  async setProvisioningMode(
    @Arg('input', () => SetProvisioningModeInput) input: SetProvisioningModeInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<SetProvisioningModePayload> {
    const payload = await asPayload(() =>
      ctx.services.provisioning.setMode(requireActor(ctx), input.mode, input.dryRun),
    );

    return { ...payload, warnings: (payload.warnings ?? []).map(toUserError) };
  }

  @Authorized()
  @Mutation(() => RotateScimTokenPayload)
  rotateScimToken(
    @Arg('input', () => RotateScimTokenInput, { defaultValue: { gracePeriodMinutes: 0 } })
    input: RotateScimTokenInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<RotateScimTokenPayload> {
    return asPayload(() =>
      ctx.services.scimTokens.rotate(requireActor(ctx), input.gracePeriodMinutes),
    );
  }
}
