import selfsigned from 'selfsigned';
import { ScimToken } from '../src/scim/scim-token.entity';
import { Team, TeamSource } from '../src/team/team.entity';
import { Tenant } from '../src/tenant/tenant.entity';
import { User, UserSource, UserStatus } from '../src/user/user.entity';
import {
  AuditEventsDocument,
  CapabilityMatrixDocument,
  ConfigureSsoDocument,
  RemoveSsoDocument,
  RotateScimTokenDocument,
  SetProvisioningModeDocument,
  TenantSettingsDocument,
} from './generated/graphql';
import { type TenantFixture, TestGateway } from './helpers/gateway';
import { errorCodes, userErrorCodes } from './helpers/graphql';
import { secretPart } from './helpers/secret-part';
import { Seeder } from './helpers/seed';

let gateway: TestGateway;
let seed: Seeder;
let slugCount = 0;

beforeAll(async () => {
  gateway = await TestGateway.start();
  seed = new Seeder(gateway.orm.em.fork());
});

afterAll(() => gateway?.stop());

/** A fresh tenant per test keeps tests independent of each other's mode switches. */
async function freshTenant(): Promise<TenantFixture> {
  slugCount += 1;

  return gateway.bootstrap(`tenant-${slugCount}`);
}

const OIDC = {
  protocol: 'OIDC' as const,
  issuer: 'https://idp.example.com',
  clientId: 'gateway',
  clientSecret: 'oidc-client-secret-value-123',
};

async function configureOidc(token: string) {
  const response = await gateway.graphql(ConfigureSsoDocument, { input: OIDC }, token);
  expect(response.data?.configureSso.userErrors).toEqual([]);
}

async function setMode(token: string, mode: 'SCIM' | 'JIT' | 'INVITE_ONLY', dryRun = false) {
  const response = await gateway.graphql(
    SetProvisioningModeDocument,
    { input: { mode, dryRun } },
    token,
  );

  return response.data!.setProvisioningMode;
}

describe('capability matrix', () => {
  it('serves all three modes in order, with the documented capabilities', async () => {
    const response = await gateway.graphql(CapabilityMatrixDocument);

    expect(response.data?.capabilityMatrix).toEqual([
      {
        mode: 'SCIM',
        createUsersAutomatically: true,
        deactivateUsersAutomatically: true,
        syncTeamsAutomatically: true,
        ssoRequirement: 'RECOMMENDED',
        requiresAdminInvite: false,
        suitedForExternalCollaborators: false,
        scimApiEnabled: true,
      },
      {
        mode: 'JIT',
        createUsersAutomatically: true,
        deactivateUsersAutomatically: false,
        syncTeamsAutomatically: false,
        ssoRequirement: 'REQUIRED',
        requiresAdminInvite: false,
        suitedForExternalCollaborators: false,
        scimApiEnabled: false,
      },
      {
        mode: 'INVITE_ONLY',
        createUsersAutomatically: false,
        deactivateUsersAutomatically: false,
        syncTeamsAutomatically: false,
        ssoRequirement: 'NOT_REQUIRED',
        requiresAdminInvite: true,
        suitedForExternalCollaborators: true,
        scimApiEnabled: false,
      },
    ]);
  });

  it('gives each tenant the matrix row of its current mode, INVITE_ONLY by default', async () => {
    const tenant = await freshTenant();
    const response = await gateway.graphql(TenantSettingsDocument, {}, tenant.adminToken);

    expect(response.data?.tenant.provisioningMode).toBe('INVITE_ONLY');
    expect(response.data?.tenant.capabilities).toEqual({
      mode: 'INVITE_ONLY',
      ssoRequirement: 'NOT_REQUIRED',
      scimApiEnabled: false,
    });
    expect(response.data?.tenant.scim.baseUrl).toBe(`http://gateway.test/scim/v2/${tenant.slug}`);
  });
});

describe('configureSso and removeSso', () => {
  it('stores an OIDC connection and never returns its client secret', async () => {
    const tenant = await freshTenant();
    await configureOidc(tenant.adminToken);

    const response = await gateway.graphql(TenantSettingsDocument, {}, tenant.adminToken);

    expect(response.data?.tenant.sso).toMatchObject({
      protocol: 'OIDC',
      issuer: 'https://idp.example.com/',
      clientId: 'gateway',
      hasClientSecret: true,
    });
    expect(JSON.stringify(response)).not.toContain(OIDC.clientSecret);
    const [row] = await gateway.orm.em
      .fork()
      .getConnection()
      .execute('select * from sso_connection where tenant_id = ?', [tenant.tenantId]);
    expect(JSON.stringify(row)).not.toContain(OIDC.clientSecret);
  });

  it('refuses plain http URLs except on loopback', async () => {
    const tenant = await freshTenant();
    const remote = await gateway.graphql(
      ConfigureSsoDocument,
      { input: { ...OIDC, issuer: 'http://idp.example.com' } },
      tenant.adminToken,
    );
    const loopback = await gateway.graphql(
      ConfigureSsoDocument,
      { input: { ...OIDC, issuer: 'http://127.0.0.1:9000/realm' } },
      tenant.adminToken,
    );

    expect(remote.data?.configureSso.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID_VALUE', field: ['issuer'] }),
    ]);
    expect(loopback.data?.configureSso.userErrors).toEqual([]);
  });

  it('names each missing field an OIDC connection needs', async () => {
    const tenant = await freshTenant();
    const response = await gateway.graphql(
      ConfigureSsoDocument,
      { input: { protocol: 'OIDC', issuer: 'https://idp.example.com', clientId: 'x' } },
      tenant.adminToken,
    );

    expect(response.data?.configureSso.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID_VALUE', field: ['clientSecret'] }),
    ]);
  });

  it('accepts a SAML connection with a PEM certificate and refuses a non-PEM one', async () => {
    const tenant = await freshTenant();
    const { cert } = await selfsigned.generate([{ name: 'commonName', value: 'idp.test' }]);
    const good = await gateway.graphql(
      ConfigureSsoDocument,
      {
        input: {
          protocol: 'SAML',
          samlEntryPoint: 'https://idp.example.com/sso',
          samlCertificate: cert,
        },
      },
      tenant.adminToken,
    );
    const bad = await gateway.graphql(
      ConfigureSsoDocument,
      {
        input: {
          protocol: 'SAML',
          samlEntryPoint: 'https://idp.example.com/sso',
          samlCertificate: 'MIIC-not-a-certificate',
        },
      },
      tenant.adminToken,
    );

    expect(good.data?.configureSso.userErrors).toEqual([]);
    expect(good.data?.configureSso.tenant?.sso?.protocol).toBe('SAML');
    expect(bad.data?.configureSso.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID_VALUE', field: ['samlCertificate'] }),
    ]);
  });

  it('keeps the stored client secret when an update omits it', async () => {
    const tenant = await freshTenant();
    await configureOidc(tenant.adminToken);
    const { clientSecret: _, ...withoutSecret } = OIDC;

    const response = await gateway.graphql(
      ConfigureSsoDocument,
      { input: { ...withoutSecret, clientId: 'renamed' } },
      tenant.adminToken,
    );

    expect(response.data?.configureSso.userErrors).toEqual([]);
    expect(response.data?.configureSso.tenant?.sso?.hasClientSecret).toBe(true);
  });

  it('refuses removeSso with SSO_REQUIRED while the mode is JIT, and allows it after', async () => {
    const tenant = await freshTenant();
    await configureOidc(tenant.adminToken);
    await setMode(tenant.adminToken, 'JIT');

    const refused = await gateway.graphql(RemoveSsoDocument, {}, tenant.adminToken);
    expect(userErrorCodes(refused.data?.removeSso)).toEqual(['SSO_REQUIRED']);

    await setMode(tenant.adminToken, 'INVITE_ONLY');
    const removed = await gateway.graphql(RemoveSsoDocument, {}, tenant.adminToken);
    expect(removed.data?.removeSso).toEqual({ tenant: { sso: null }, userErrors: [] });
  });

  it('forbids a MEMBER to configure SSO', async () => {
    const tenant = await freshTenant();
    const member = await seed.user(tenant.tenantId, `m@${tenant.slug}.test`);
    const response = await gateway.graphql(
      ConfigureSsoDocument,
      { input: OIDC },
      await seed.token(member),
    );

    expect(errorCodes(response)).toEqual(['FORBIDDEN']);
  });
});

describe('setProvisioningMode', () => {
  it('refuses JIT without an SSO connection with SSO_REQUIRED', async () => {
    const tenant = await freshTenant();
    const payload = await setMode(tenant.adminToken, 'JIT');

    expect(userErrorCodes(payload)).toEqual(['SSO_REQUIRED']);
    expect(payload.tenant).toBeNull();
    const reread = await gateway.orm.em.fork().findOneOrFail(Tenant, tenant.tenantId);
    expect(reread.provisioningMode).toBe('INVITE_ONLY');
  });

  it('switches to JIT once SSO is configured', async () => {
    const tenant = await freshTenant();
    await configureOidc(tenant.adminToken);
    const payload = await setMode(tenant.adminToken, 'JIT');

    expect(payload.userErrors).toEqual([]);
    expect(payload.tenant?.capabilities.mode).toBe('JIT');
  });

  it('allows SCIM without SSO, with an SSO_RECOMMENDED warning', async () => {
    const tenant = await freshTenant();
    const payload = await setMode(tenant.adminToken, 'SCIM');

    expect(payload.userErrors).toEqual([]);
    expect(payload.tenant?.provisioningMode).toBe('SCIM');
    expect(userErrorCodes({ userErrors: payload.warnings })).toEqual(['SSO_RECOMMENDED']);
  });

  it('gives no warning for SCIM when SSO is configured', async () => {
    const tenant = await freshTenant();
    await configureOidc(tenant.adminToken);

    expect((await setMode(tenant.adminToken, 'SCIM')).warnings).toEqual([]);
  });

  it('treats switching to the current mode as a success with zero impact', async () => {
    const tenant = await freshTenant();
    const payload = await setMode(tenant.adminToken, 'INVITE_ONLY');

    expect(payload).toMatchObject({
      userErrors: [],
      impact: { scimTokensRevoked: 0, teamsReleased: 0, usersReleased: 0 },
    });
    const events = await gateway.graphql(
      AuditEventsDocument,
      { filter: { action: 'tenant.provisioning_mode_changed' } },
      tenant.adminToken,
    );
    expect(events.data?.auditEvents.totalCount).toBe(0);
  });

  it('leaving SCIM revokes tokens, releases users and teams, deletes nobody', async () => {
    const tenant = await freshTenant();
    await setMode(tenant.adminToken, 'SCIM');
    const rotated = await gateway.graphql(
      RotateScimTokenDocument,
      { input: { gracePeriodMinutes: 30 } },
      tenant.adminToken,
    );
    await gateway.graphql(
      RotateScimTokenDocument,
      { input: { gracePeriodMinutes: 30 } },
      tenant.adminToken,
    );
    expect(rotated.data?.rotateScimToken.token).toBeTruthy();
    const em = gateway.orm.em.fork();
    const scimUser = await seed.user(tenant.tenantId, `idp@${tenant.slug}.test`);
    await em.nativeUpdate(User, { id: scimUser.id }, { source: UserSource.SCIM });
    const team = await seed.team(tenant.tenantId, 'idp-group', [scimUser]);
    await em.nativeUpdate(Team, { id: team.id }, { source: TeamSource.SCIM });

    const dryRun = await setMode(tenant.adminToken, 'INVITE_ONLY', true);
    expect(dryRun.impact).toEqual({ scimTokensRevoked: 2, teamsReleased: 1, usersReleased: 1 });
    expect(dryRun.tenant?.provisioningMode).toBe('INVITE_ONLY');
    const unchanged = await em.fork().findOneOrFail(Tenant, tenant.tenantId);
    expect(unchanged.provisioningMode).toBe('SCIM');
    expect(await em.fork().count(ScimToken, { tenant: tenant.tenantId, revokedAt: null })).toBe(2);

    const applied = await setMode(tenant.adminToken, 'INVITE_ONLY');
    expect(applied.impact).toEqual(dryRun.impact);
    const after = em.fork();
    expect((await after.findOneOrFail(User, scimUser.id)).source).toBe(UserSource.INVITE);
    expect((await after.findOneOrFail(User, scimUser.id)).status).toBe(UserStatus.ACTIVE);
    expect((await after.findOneOrFail(Team, team.id)).source).toBe(TeamSource.MANUAL);
    expect(await after.count(ScimToken, { tenant: tenant.tenantId, revokedAt: null })).toBe(0);

    const events = await gateway.graphql(
      AuditEventsDocument,
      { filter: { action: 'tenant.provisioning_mode_changed' } },
      tenant.adminToken,
    );
    expect(events.data?.auditEvents.edges[0].node.metadata).toEqual({
      from: 'SCIM',
      to: 'INVITE_ONLY',
      scimTokensRevoked: 2,
      teamsReleased: 1,
      usersReleased: 1,
    });
  });

  it('lets one concurrent switch win; the rest report CONFLICT or no change', async () => {
    const tenant = await freshTenant();
    await configureOidc(tenant.adminToken);
    const modes = ['SCIM', 'JIT', 'SCIM', 'JIT', 'SCIM', 'JIT'] as const;

    const results = await Promise.all(modes.map((mode) => setMode(tenant.adminToken, mode)));

    const codes = results.flatMap((payload) => userErrorCodes(payload) ?? []);
    expect(codes.every((code) => code === 'CONFLICT')).toBe(true);
    const events = await gateway.graphql(
      AuditEventsDocument,
      { filter: { action: 'tenant.provisioning_mode_changed' } },
      tenant.adminToken,
    );
    const successes = results.filter((payload) => payload.userErrors.length === 0).length;
    expect(events.data?.auditEvents.totalCount).toBeLessThanOrEqual(successes);
    const reread = await gateway.orm.em.fork().findOneOrFail(Tenant, tenant.tenantId);
    expect(reread.version).toBe(1 + (events.data?.auditEvents.totalCount ?? 0));
  });
});

describe('rotateScimToken', () => {
  it('is refused with MODE_FORBIDS_ACTION outside SCIM mode', async () => {
    const tenant = await freshTenant();
    const response = await gateway.graphql(
      RotateScimTokenDocument,
      { input: { gracePeriodMinutes: 0 } },
      tenant.adminToken,
    );

    expect(userErrorCodes(response.data?.rotateScimToken)).toEqual(['MODE_FORBIDS_ACTION']);
  });

  it('shows a new token once, stores only its hash, and returns the SCIM base URL', async () => {
    const tenant = await freshTenant();
    await setMode(tenant.adminToken, 'SCIM');
    const response = await gateway.graphql(
      RotateScimTokenDocument,
      { input: { gracePeriodMinutes: 0 } },
      tenant.adminToken,
    );
    const payload = response.data!.rotateScimToken;

    expect(payload.token).toMatch(/^igw_scim_[0-9a-f]{32}_[\w-]{43}$/);
    expect(payload.scimBaseUrl).toBe(`http://gateway.test/scim/v2/${tenant.slug}`);
    const rows = await gateway.orm.em
      .fork()
      .getConnection()
      .execute('select * from scim_token where tenant_id = ?', [tenant.tenantId]);
    expect(JSON.stringify(rows)).not.toContain(secretPart(payload.token!));
    const settings = await gateway.graphql(TenantSettingsDocument, {}, tenant.adminToken);
    expect(JSON.stringify(settings)).not.toContain(payload.token!);
    expect(settings.data?.tenant.scim.tokens.map((token) => token.id)).toEqual([
      payload.scimToken!.id,
    ]);
  });

  it('revokes the previous token at once when the grace period is 0', async () => {
    const tenant = await freshTenant();
    await setMode(tenant.adminToken, 'SCIM');
    const rotate = (gracePeriodMinutes: number) =>
      gateway.graphql(
        RotateScimTokenDocument,
        { input: { gracePeriodMinutes } },
        tenant.adminToken,
      );
    await rotate(0);
    const second = await rotate(0);

    const settings = await gateway.graphql(TenantSettingsDocument, {}, tenant.adminToken);
    expect(settings.data?.tenant.scim.tokens.map((token) => token.id)).toEqual([
      second.data?.rotateScimToken.scimToken?.id,
    ]);
  });

  it('keeps the previous token for the grace period, never more than two valid', async () => {
    const tenant = await freshTenant();
    await setMode(tenant.adminToken, 'SCIM');
    const rotate = () =>
      gateway.graphql(
        RotateScimTokenDocument,
        { input: { gracePeriodMinutes: 60 } },
        tenant.adminToken,
      );
    const first = await rotate();
    const before = Date.now();
    const second = await rotate();

    let tokens = (await gateway.graphql(TenantSettingsDocument, {}, tenant.adminToken)).data!.tenant
      .scim.tokens;
    expect(tokens.map((token) => token.id)).toEqual([
      second.data?.rotateScimToken.scimToken?.id,
      first.data?.rotateScimToken.scimToken?.id,
    ]);
    const graceEnd = new Date(tokens[1].expiresAt!).getTime();
    expect(graceEnd).toBeGreaterThanOrEqual(before + 59 * 60_000);
    expect(graceEnd).toBeLessThanOrEqual(Date.now() + 60 * 60_000);

    await Promise.all([rotate(), rotate(), rotate()]);
    tokens = (await gateway.graphql(TenantSettingsDocument, {}, tenant.adminToken)).data!.tenant
      .scim.tokens;
    expect(tokens).toHaveLength(2);
  });

  it('rejects a grace period out of range as BAD_USER_INPUT', async () => {
    const tenant = await freshTenant();
    await setMode(tenant.adminToken, 'SCIM');
    const response = await gateway.graphql(
      RotateScimTokenDocument,
      { input: { gracePeriodMinutes: 20_000 } },
      tenant.adminToken,
    );

    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  });
});
