import { AccessToken } from '../src/auth/access-token.entity';
import { PasswordReset } from '../src/auth/password-reset.entity';
import { Invitation, InvitationStatus } from '../src/invitation/invitation.entity';
import { MailMessage } from '../src/mail/mail-message.entity';
import { Resource } from '../src/resource/resource.entity';
import { Team, TeamSource } from '../src/team/team.entity';
import { TenantRole, User, UserSource, UserStatus } from '../src/user/user.entity';
import {
  AuditEventsDocument,
  ConfigureSsoDocument,
  DeactivateUserDocument,
  DeleteUserDocument,
  InviteUserDocument,
  ReactivateUserDocument,
  ResetPasswordDocument,
  SetProvisioningModeDocument,
  SetUserRoleDocument,
  ViewerDocument,
} from './generated/graphql';
import { type TenantFixture, TestGateway } from './helpers/gateway';
import { errorCodes, userErrorCodes } from './helpers/graphql';
import { secretPart } from './helpers/secret-part';
import { Seeder } from './helpers/seed';

let gateway: TestGateway;
let seed: Seeder;
let count = 0;

beforeAll(async () => {
  gateway = await TestGateway.start();
  seed = new Seeder(gateway.orm.em.fork());
});

afterAll(() => gateway?.stop());

async function freshTenant(): Promise<TenantFixture> {
  count += 1;

  return gateway.bootstrap(`life-${count}`);
}

const em = () => gateway.orm.em.fork();

async function member(tenant: TenantFixture, name: string, role = TenantRole.MEMBER) {
  const user = await seed.user(tenant.tenantId, `${name}@${tenant.slug}.test`, { role });

  return { user, token: await seed.token(user) };
}

async function setMode(tenant: TenantFixture, mode: 'SCIM' | 'JIT' | 'INVITE_ONLY') {
  const response = await gateway.graphql(
    SetProvisioningModeDocument,
    { input: { mode } },
    tenant.adminToken,
  );
  expect(response.data?.setProvisioningMode.userErrors).toEqual([]);
}

async function configureSso(tenant: TenantFixture) {
  const response = await gateway.graphql(
    ConfigureSsoDocument,
    {
      input: {
        protocol: 'OIDC',
        issuer: 'https://idp.example.com',
        clientId: 'gw',
        clientSecret: 'not-a-real-secret-value',
      },
    },
    tenant.adminToken,
  );
  expect(response.data?.configureSso.userErrors).toEqual([]);
}

async function makeScimManaged(userId: string) {
  await em().nativeUpdate(User, { id: userId }, { source: UserSource.SCIM });
}

const invite = (
  tenant: TenantFixture,
  input: { email: string; role?: 'ADMIN' | 'MEMBER'; teamIds?: string[] },
) => gateway.graphql(InviteUserDocument, { input }, tenant.adminToken);

async function auditActions(tenant: TenantFixture, targetId: string) {
  const response = await gateway.graphql(
    AuditEventsDocument,
    { first: 100, filter: { targetId } },
    tenant.adminToken,
  );

  return response.data!.auditEvents.edges.map((edge) => edge.node.action);
}

describe('inviteUser', () => {
  it('creates an INVITED user, a PENDING invitation for 7 days and queues its email', async () => {
    const tenant = await freshTenant();
    const team = await seed.team(tenant.tenantId, 'design');
    const before = Date.now();

    const response = await invite(tenant, {
      email: 'New.Person@Example.COM',
      role: 'ADMIN',
      teamIds: [team.id],
    });

    const payload = response.data!.inviteUser;
    expect(payload.userErrors).toEqual([]);
    expect(payload.user).toMatchObject({
      email: 'new.person@example.com',
      status: 'INVITED',
      role: 'ADMIN',
      source: 'INVITE',
      teams: [{ team: { id: team.id } }],
    });
    expect(payload.invitation).toMatchObject({
      email: 'new.person@example.com',
      status: 'PENDING',
      role: 'ADMIN',
      invitedBy: { id: tenant.adminId },
    });
    const expiresAt = new Date(payload.invitation!.expiresAt).getTime();
    expect(expiresAt - before).toBeGreaterThanOrEqual(7 * 24 * 3_600_000 - 1_000);
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(7 * 24 * 3_600_000);
    const mail = await em().find(MailMessage, { recipient: 'new.person@example.com' });
    expect(mail.map((message) => [message.kind, message.status])).toEqual([
      ['invitation', 'PENDING'],
    ]);
    expect(await auditActions(tenant, payload.user!.id)).toEqual(['user.invited']);
  });

  it.each(['SCIM', 'JIT', 'INVITE_ONLY'] as const)('is allowed in %s mode', async (mode) => {
    const tenant = await freshTenant();
    if (mode === 'JIT') await configureSso(tenant);
    await setMode(tenant, mode);

    const response = await invite(tenant, { email: `guest-${mode}@partner.test` });

    expect(response.data?.inviteUser.userErrors).toEqual([]);
    expect(response.data?.inviteUser.user?.status).toBe('INVITED');
  });

  it('refuses an email already in the tenant, in any case, with ALREADY_EXISTS', async () => {
    const tenant = await freshTenant();
    await invite(tenant, { email: 'dup@example.com' });

    const again = await invite(tenant, { email: 'DUP@Example.com' });
    const admin = await invite(tenant, { email: `ADMIN@${tenant.slug}.test` });

    expect(again.data?.inviteUser.userErrors).toEqual([
      expect.objectContaining({ code: 'ALREADY_EXISTS', field: ['email'] }),
    ]);
    expect(userErrorCodes(admin.data?.inviteUser)).toEqual(['ALREADY_EXISTS']);
    expect(await em().count(User, { tenant: tenant.tenantId, email: 'dup@example.com' })).toBe(1);
  });

  it('admits exactly one of 20 concurrent invitations of one email in mixed case', async () => {
    const tenant = await freshTenant();
    const spellings = Array.from({ length: 20 }, (_, i) =>
      i % 2 ? `Racer${i}@Example.com`.replace(/\d+/, '') : 'racer@EXAMPLE.com',
    );

    const responses = await Promise.all(spellings.map((email) => invite(tenant, { email })));

    expect(responses.map((response) => response.status)).toEqual(spellings.map(() => 200));
    const codes = responses.map((r) => r.data?.inviteUser.userErrors[0]?.code ?? 'OK');
    expect(codes.filter((code) => code === 'OK')).toHaveLength(1);
    expect(codes.filter((code) => code === 'ALREADY_EXISTS')).toHaveLength(19);
    expect(await em().count(User, { tenant: tenant.tenantId, email: 'racer@example.com' })).toBe(1);
    expect(await em().count(Invitation, { tenant: tenant.tenantId })).toBe(1);
    expect(await em().count(MailMessage, { recipient: 'racer@example.com' })).toBe(1);
  });

  it('refuses an unknown team with NOT_FOUND and writes nothing', async () => {
    const tenant = await freshTenant();
    const response = await invite(tenant, {
      email: 'lost@example.com',
      teamIds: ['01a23c07-0000-7000-8000-000000000000'],
    });

    expect(response.data?.inviteUser.userErrors).toEqual([
      expect.objectContaining({ code: 'NOT_FOUND', field: ['teamIds'] }),
    ]);
    expect(await em().count(User, { email: 'lost@example.com' })).toBe(0);
    expect(await em().count(MailMessage, { recipient: 'lost@example.com' })).toBe(0);
  });

  it('refuses a SCIM-managed team with MANAGED_BY_IDP in SCIM mode only', async () => {
    const tenant = await freshTenant();
    const team = await seed.team(tenant.tenantId, 'idp-group');
    await em().nativeUpdate(Team, { id: team.id }, { source: TeamSource.SCIM });

    const inInviteOnly = await invite(tenant, { email: 'a@example.com', teamIds: [team.id] });
    await setMode(tenant, 'SCIM');
    const inScim = await invite(tenant, { email: 'b@example.com', teamIds: [team.id] });

    expect(inInviteOnly.data?.inviteUser.userErrors).toEqual([]);
    expect(userErrorCodes(inScim.data?.inviteUser)).toEqual(['MANAGED_BY_IDP']);
  });

  it('rejects a malformed email as BAD_USER_INPUT', async () => {
    const tenant = await freshTenant();
    const response = await invite(tenant, { email: 'not an email' });

    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  });

  it('forbids a MEMBER to invite', async () => {
    const tenant = await freshTenant();
    const { token } = await member(tenant, 'plain');
    const response = await gateway.graphql(
      InviteUserDocument,
      { input: { email: 'x@example.com' } },
      token,
    );

    expect(errorCodes(response)).toEqual(['FORBIDDEN']);
  });
});

describe('deactivateUser and reactivateUser', () => {
  const deactivate = (token: string, userId: string) =>
    gateway.graphql(DeactivateUserDocument, { input: { userId } }, token);
  const reactivate = (token: string, userId: string) =>
    gateway.graphql(ReactivateUserDocument, { input: { userId } }, token);

  it("refuses the user's token on the very next request after deactivation", async () => {
    const tenant = await freshTenant();
    const { user, token } = await member(tenant, 'leaver');
    expect((await gateway.graphql(ViewerDocument, {}, token)).status).toBe(200);

    const response = await deactivate(tenant.adminToken, user.id);

    expect(response.data?.deactivateUser.user).toMatchObject({ status: 'DEACTIVATED' });
    expect(response.data?.deactivateUser.user?.deactivatedAt).toBeTruthy();
    const next = await gateway.graphql(ViewerDocument, {}, token);
    expect(next.status).toBe(401);
    const tokens = await em().find(AccessToken, { user: user.id });
    expect(tokens.every((t) => t.revokedAt)).toBe(true);
  });

  it('revokes pending invitations of a deactivated user', async () => {
    const tenant = await freshTenant();
    const invited = await invite(tenant, { email: 'pending@example.com' });

    await deactivate(tenant.adminToken, invited.data!.inviteUser.user!.id);

    const invitation = await em().findOneOrFail(Invitation, {
      id: invited.data!.inviteUser.invitation!.id,
    });
    expect(invitation.status).toBe(InvitationStatus.REVOKED);
  });

  it('is idempotent, with one audit event for two calls', async () => {
    const tenant = await freshTenant();
    const { user } = await member(tenant, 'twice');

    const first = await deactivate(tenant.adminToken, user.id);
    const second = await deactivate(tenant.adminToken, user.id);

    expect(second.data?.deactivateUser).toEqual(first.data?.deactivateUser);
    expect(await auditActions(tenant, user.id)).toEqual(['user.deactivated']);
  });

  it('refuses to deactivate yourself with CANNOT_TARGET_SELF', async () => {
    const tenant = await freshTenant();
    const response = await deactivate(tenant.adminToken, tenant.adminId);

    expect(userErrorCodes(response.data?.deactivateUser)).toEqual(['CANNOT_TARGET_SELF']);
  });

  it('refuses a SCIM user with MANAGED_BY_IDP in SCIM mode, and allows it otherwise', async () => {
    const tenant = await freshTenant();
    const { user } = await member(tenant, 'synced');
    await makeScimManaged(user.id);

    const inviteOnly = await deactivate(tenant.adminToken, user.id);
    await reactivate(tenant.adminToken, user.id);
    await setMode(tenant, 'SCIM');
    const scim = await deactivate(tenant.adminToken, user.id);
    const scimReactivate = await reactivate(tenant.adminToken, user.id);

    expect(inviteOnly.data?.deactivateUser.userErrors).toEqual([]);
    expect(userErrorCodes(scim.data?.deactivateUser)).toEqual(['MANAGED_BY_IDP']);
    expect(userErrorCodes(scimReactivate.data?.reactivateUser)).toEqual(['MANAGED_BY_IDP']);
  });

  it('lets one of two admins deactivating each other win; the other gets LAST_ADMIN', async () => {
    const tenant = await freshTenant();
    const other = await member(tenant, 'second-admin', TenantRole.ADMIN);

    const [a, b] = await Promise.all([
      deactivate(tenant.adminToken, other.user.id),
      deactivate(other.token, tenant.adminId),
    ]);

    const outcomes = [a, b].map((r) =>
      r.status === 401 ? 'UNAUTHENTICATED' : (r.data?.deactivateUser.userErrors[0]?.code ?? 'OK'),
    );
    expect(outcomes.filter((o) => o === 'OK')).toHaveLength(1);
    expect(['LAST_ADMIN', 'UNAUTHENTICATED']).toContain(outcomes.find((o) => o !== 'OK'));
    const admins = await em().count(User, {
      tenant: tenant.tenantId,
      role: TenantRole.ADMIN,
      status: UserStatus.ACTIVE,
    });
    expect(admins).toBe(1);
  });

  it('reactivates without bringing revoked tokens back', async () => {
    const tenant = await freshTenant();
    const { user, token } = await member(tenant, 'returning');
    await deactivate(tenant.adminToken, user.id);

    const response = await reactivate(tenant.adminToken, user.id);

    expect(response.data?.reactivateUser.user).toEqual({
      id: user.id,
      status: 'ACTIVE',
      deactivatedAt: null,
    });
    expect((await gateway.graphql(ViewerDocument, {}, token)).status).toBe(401);
    const again = await reactivate(tenant.adminToken, user.id);
    expect(again.data?.reactivateUser.userErrors).toEqual([]);
    expect(await auditActions(tenant, user.id)).toEqual(['user.reactivated', 'user.deactivated']);
  });

  it('refuses to reactivate an INVITED user with INVALID_STATE', async () => {
    const tenant = await freshTenant();
    const invited = await invite(tenant, { email: 'inv@example.com' });

    const response = await reactivate(tenant.adminToken, invited.data!.inviteUser.user!.id);

    expect(userErrorCodes(response.data?.reactivateUser)).toEqual(['INVALID_STATE']);
  });

  it("answers another tenant's user with NOT_FOUND", async () => {
    const tenant = await freshTenant();
    const other = await freshTenant();

    const response = await deactivate(tenant.adminToken, other.adminId);

    expect(userErrorCodes(response.data?.deactivateUser)).toEqual(['NOT_FOUND']);
    expect((await em().findOneOrFail(User, other.adminId)).status).toBe(UserStatus.ACTIVE);
  });
});

describe('deleteUser', () => {
  const remove = (token: string, userId: string) =>
    gateway.graphql(DeleteUserDocument, { input: { userId } }, token);

  it('refuses a user who still has access with USER_HAS_ACCESS, naming every blocker', async () => {
    const tenant = await freshTenant();
    const { user } = await member(tenant, 'busy');
    const team = await seed.team(tenant.tenantId, 'alpha', [user]);
    const resource = await seed.resource(tenant.tenantId, 'workspace-1', user);

    const response = await remove(tenant.adminToken, user.id);

    expect(response.data?.deleteUser).toEqual({
      deletedUserId: null,
      blockers: {
        teams: [{ id: team.id, name: 'alpha' }],
        resources: [{ id: resource.id, name: 'workspace-1' }],
      },
      userErrors: [expect.objectContaining({ code: 'USER_HAS_ACCESS', field: ['userId'] })],
    });
    expect(await em().count(User, { id: user.id })).toBe(1);
  });

  it('deletes a user without access; resources keep the email, which is free again', async () => {
    const tenant = await freshTenant();
    const { user } = await member(tenant, 'gone');
    const resource = await seed.resource(tenant.tenantId, 'kept', user);
    await em().nativeDelete('ResourceCollaborator', { resource: resource.id });

    const response = await remove(tenant.adminToken, user.id);

    expect(response.data?.deleteUser).toEqual({
      deletedUserId: user.id,
      blockers: null,
      userErrors: [],
    });
    expect(await em().count(User, { id: user.id })).toBe(0);
    const kept = await em().findOneOrFail(Resource, resource.id);
    expect(kept.createdBy).toBeNull();
    expect(kept.createdByEmail).toBe(user.email);
    const events = await gateway.graphql(
      AuditEventsDocument,
      { filter: { targetId: user.id, action: 'user.deleted' } },
      tenant.adminToken,
    );
    expect(events.data?.auditEvents.edges[0].node.targets).toEqual([
      { type: 'user', id: user.id, display: user.email },
    ]);
    const reinvited = await invite(tenant, { email: user.email });
    expect(reinvited.data?.inviteUser.userErrors).toEqual([]);
  });

  it('refuses to delete yourself, and SCIM-managed users in SCIM mode', async () => {
    const tenant = await freshTenant();
    const { user } = await member(tenant, 'synced');
    await makeScimManaged(user.id);
    await setMode(tenant, 'SCIM');

    const self = await remove(tenant.adminToken, tenant.adminId);
    const managed = await remove(tenant.adminToken, user.id);

    expect(userErrorCodes(self.data?.deleteUser)).toEqual(['CANNOT_TARGET_SELF']);
    expect(userErrorCodes(managed.data?.deleteUser)).toEqual(['MANAGED_BY_IDP']);
  });
});

describe('setUserRole', () => {
  const setRole = (token: string, userId: string, role: 'ADMIN' | 'MEMBER') =>
    gateway.graphql(SetUserRoleDocument, { input: { userId, role } }, token);

  it('refuses to demote the last active admin with LAST_ADMIN', async () => {
    const tenant = await freshTenant();
    const response = await setRole(tenant.adminToken, tenant.adminId, 'MEMBER');

    expect(userErrorCodes(response.data?.setUserRole)).toEqual(['LAST_ADMIN']);
  });

  it('promotes a member, after which the old admin may step down', async () => {
    const tenant = await freshTenant();
    const { user } = await member(tenant, 'heir');

    const promoted = await setRole(tenant.adminToken, user.id, 'ADMIN');
    const stepDown = await setRole(tenant.adminToken, tenant.adminId, 'MEMBER');

    expect(promoted.data?.setUserRole.user).toEqual({ id: user.id, role: 'ADMIN' });
    expect(stepDown.data?.setUserRole.user).toEqual({ id: tenant.adminId, role: 'MEMBER' });
    expect(await auditActions(tenant, user.id)).toEqual(['user.role_changed']);
  });
});

describe('resetPassword', () => {
  const reset = (token: string, userId: string) =>
    gateway.graphql(ResetPasswordDocument, { input: { userId } }, token);

  it('queues a single-use link valid for one hour and never returns the token', async () => {
    const tenant = await freshTenant();
    const { user } = await member(tenant, 'forgetful');
    const before = Date.now();

    const response = await reset(tenant.adminToken, user.id);

    const payload = response.data!.resetPassword;
    expect(payload).toMatchObject({ sentTo: user.email, userErrors: [] });
    const expiresAt = new Date(payload.expiresAt!).getTime();
    expect(expiresAt).toBeGreaterThanOrEqual(before + 3_600_000 - 1_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 3_600_000);
    const [message] = await em().find(MailMessage, { recipient: user.email });
    const body = gateway.runtime.outbox.openBody(message);
    const token = /token=([\w-]+)/.exec(body.text)?.[1];
    expect(token).toMatch(/^igw_rst_/);
    expect(JSON.stringify(response)).not.toContain(token);
    const stored = await em().find(PasswordReset, { user: user.id });
    expect(JSON.stringify(stored)).not.toContain(secretPart(token!));
  });

  it('answers SSO_MANAGED in a tenant with SSO', async () => {
    const tenant = await freshTenant();
    const { user } = await member(tenant, 'sso-user');
    await configureSso(tenant);

    const response = await reset(tenant.adminToken, user.id);

    expect(userErrorCodes(response.data?.resetPassword)).toEqual(['SSO_MANAGED']);
    expect(await em().count(PasswordReset, { user: user.id })).toBe(0);
  });

  it('answers INVALID_STATE for a deactivated user', async () => {
    const tenant = await freshTenant();
    const { user } = await member(tenant, 'blocked');
    await gateway.graphql(
      DeactivateUserDocument,
      { input: { userId: user.id } },
      tenant.adminToken,
    );

    const response = await reset(tenant.adminToken, user.id);

    expect(userErrorCodes(response.data?.resetPassword)).toEqual(['INVALID_STATE']);
  });
});
