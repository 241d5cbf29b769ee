import { Invitation } from '../src/invitation/invitation.entity';
import { MailMessage } from '../src/mail/mail-message.entity';
import { RateLimitBucket } from '../src/rate-limit/rate-limit-bucket.entity';
import { User } from '../src/user/user.entity';
import {
  AcceptInvitationDocument,
  ConfigureSsoDocument,
  DeleteUserDocument,
  InvitationPreviewDocument,
  InviteUserDocument,
  ResendInvitationDocument,
  RevokeInvitationDocument,
  SignInDocument,
} from './generated/graphql';
import { type TenantFixture, TestGateway } from './helpers/gateway';
import { errorCodes, userErrorCodes } from './helpers/graphql';
import { Seeder, storedAuditEvents } from './helpers/seed';

let gateway: TestGateway;
let count = 0;
const PASSWORD = 'amber kettle horizon 5';

beforeAll(async () => {
  gateway = await TestGateway.start();
});

afterAll(() => gateway?.stop());

const em = () => gateway.orm.em.fork();

function freshTenant(): Promise<TenantFixture> {
  count += 1;

  return gateway.bootstrap(`inv-${count}`);
}

/** The newest link mailed to `email`, read from the outbox as the mail worker would send it. */
async function linkFor(email: string): Promise<string> {
  const [message] = await em().find(
    MailMessage,
    { recipient: email, kind: 'invitation' },
    { orderBy: { id: 'desc' }, limit: 1 },
  );
  const { text } = gateway.runtime.outbox.openBody(message);

  return /token=([\w-]+)/.exec(text)![1];
}

async function invite(tenant: TenantFixture, email: string) {
  const response = await gateway.graphql(
    InviteUserDocument,
    { input: { email } },
    tenant.adminToken,
  );
  const payload = response.data!.inviteUser;

  return {
    userId: payload.user!.id,
    invitationId: payload.invitation!.id,
    token: await linkFor(email),
  };
}

const preview = async (token: string) =>
  (await gateway.graphql(InvitationPreviewDocument, { token })).data?.invitation;

const accept = async (token: string, password: string | null = PASSWORD) =>
  (await gateway.graphql(AcceptInvitationDocument, { input: { token, password } })).data!
    .acceptInvitation;

const resend = async (tenant: TenantFixture, invitationId: string) =>
  (await gateway.graphql(ResendInvitationDocument, { input: { invitationId } }, tenant.adminToken))
    .data!.resendInvitation;

const revoke = async (tenant: TenantFixture, invitationId: string) =>
  (await gateway.graphql(RevokeInvitationDocument, { input: { invitationId } }, tenant.adminToken))
    .data!.revokeInvitation;

/** Moves a rate-limit window into the past, as if the time had passed. */
async function ageRateLimit(tenant: TenantFixture, scope: string, ms: number) {
  await em()
    .getConnection()
    .execute(
      `update rate_limit_bucket
       set window_started_at = window_started_at - ? * interval '1 millisecond'
       where tenant_id = ? and scope = ?`,
      [ms, tenant.tenantId, scope],
    );
}

describe('the invitation link', () => {
  it('shows only the tenant name, email and expiry, without a token in the request', async () => {
    const tenant = await freshTenant();
    const { token } = await invite(tenant, 'ann@partner.test');

    const response = await gateway.graphql(InvitationPreviewDocument, { token });

    expect(response.status).toBe(200);
    expect(response.data?.invitation).toEqual({
      tenantName: `Tenant ${tenant.slug}`,
      email: 'ann@partner.test',
      expiresAt: expect.any(String),
    });
    const type = await gateway.graphql('{ __type(name: "InvitationPreview") { fields { name } } }');
    expect(JSON.stringify(type.data)).toBe(
      '{"__type":{"fields":[{"name":"tenantName"},{"name":"email"},{"name":"expiresAt"}]}}',
    );
  });

  it('answers an unknown, expired, revoked or used link alike: null, and INVALID_TOKEN on accept', async () => {
    const tenant = await freshTenant();
    const expired = await invite(tenant, 'expired@partner.test');
    const revoked = await invite(tenant, 'revoked@partner.test');
    const used = await invite(tenant, 'used@partner.test');
    await em().nativeUpdate(
      Invitation,
      { id: expired.invitationId },
      { expiresAt: new Date(Date.now() - 1_000) },
    );
    await revoke(tenant, revoked.invitationId);
    expect((await accept(used.token)).userErrors).toEqual([]);
    const unknown = `${used.token.slice(0, -4)}AAAA`;

    const tokens = [unknown, expired.token, revoked.token, used.token, 'not-a-token'];
    const previews = await Promise.all(tokens.map(preview));
    const answers = [];
    for (const token of tokens) answers.push((await accept(token)).userErrors);

    expect(previews).toEqual([null, null, null, null, null]);
    expect(new Set(answers.map((errors) => JSON.stringify(errors))).size).toBe(1);
    expect(answers[0]).toEqual([
      {
        code: 'INVALID_TOKEN',
        message:
          'This invitation link is invalid, expired or already used. Ask an administrator of ' +
          'the tenant to resend the invitation.',
        field: ['token'],
      },
    ]);
  });
});

describe('acceptInvitation', () => {
  it('makes the user ACTIVE with a session, once; a second concurrent accept gets INVALID_TOKEN', async () => {
    const tenant = await freshTenant();
    const { token, userId } = await invite(tenant, 'twice@partner.test');

    const results = await Promise.all([accept(token), accept(token)]);

    const codes = results.map((payload) => payload.userErrors.map((error) => error.code).join());
    expect(codes.sort()).toEqual(['', 'INVALID_TOKEN']);
    expect((await em().findOneOrFail(User, userId)).status).toBe('ACTIVE');
    const events = await storedAuditEvents(em(), tenant.tenantId);
    expect(events.filter((event) => event.action === 'user.invitation_accepted')).toHaveLength(1);
  });

  it('refuses a missing or weak password with WEAK_PASSWORD naming the rule, and keeps the link', async () => {
    const tenant = await freshTenant();
    const { token } = await invite(tenant, 'weakling@partner.test');

    const missing = await accept(token, null);
    const short = await accept(token, 'short');
    const email = await accept(token, 'weakling@partner.test');
    const common = await accept(token, 'Password1234');

    expect(missing.userErrors[0]).toMatchObject({ code: 'WEAK_PASSWORD', field: ['password'] });
    expect(short.userErrors[0].message).toContain('at least 12 characters; it has 5');
    expect(email.userErrors[0].message).toContain('must not be your email address');
    expect(common.userErrors[0].message).toContain('commonly used passwords');
    expect(await preview(token)).not.toBeNull();
    expect((await accept(token)).userErrors).toEqual([]);
  });

  it('answers SSO_MANAGED in a tenant with SSO and leaves the invitation pending', async () => {
    const tenant = await freshTenant();
    const { token } = await invite(tenant, 'sso@partner.test');
    await gateway.graphql(
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

    const payload = await accept(token);

    expect(userErrorCodes(payload)).toEqual(['SSO_MANAGED']);
    expect(payload.userErrors[0].message).toContain('signing in through the identity provider');
    expect(await preview(token)).not.toBeNull();
  });
});

describe('resendInvitation', () => {
  it('mails a new link, kills the old one and pushes the expiry forward', async () => {
    const tenant = await freshTenant();
    const first = await invite(tenant, 'again@partner.test');
    await em().nativeUpdate(
      Invitation,
      { id: first.invitationId },
      { expiresAt: new Date(Date.now() - 1_000) },
    );

    const payload = await resend(tenant, first.invitationId);
    const second = await linkFor('again@partner.test');

    expect(payload.userErrors).toEqual([]);
    expect(payload.invitation?.status).toBe('PENDING');
    expect(new Date(payload.invitation!.expiresAt).getTime()).toBeGreaterThan(
      Date.now() + 6 * 24 * 3_600_000,
    );
    expect(second).not.toBe(first.token);
    expect(await preview(first.token)).toBeNull();
    expect((await accept(second)).userErrors).toEqual([]);
    const actions = (await storedAuditEvents(em(), tenant.tenantId)).map((event) => event.action);
    expect(actions).toContain('invitation.resent');
  });

  it('allows one resend a minute, with RATE_LIMITED saying when to retry', async () => {
    const tenant = await freshTenant();
    const { invitationId } = await invite(tenant, 'eager@partner.test');

    expect((await resend(tenant, invitationId)).userErrors).toEqual([]);
    const refused = await resend(tenant, invitationId);

    expect(refused.userErrors).toHaveLength(1);
    expect(refused.userErrors[0]).toMatchObject({ code: 'RATE_LIMITED', field: null });
    expect(refused.userErrors[0].message).toMatch(
      /^Too many resends of this invitation\. Try again after/,
    );
    const retryAfter = new Date(refused.userErrors[0].retryAfter!).getTime() - Date.now();
    expect(retryAfter).toBeGreaterThan(50_000);
    expect(retryAfter).toBeLessThanOrEqual(60_000);
    expect(await em().count(MailMessage, { recipient: 'eager@partner.test' })).toBe(2);
  });

  it('allows five resends a day', async () => {
    const tenant = await freshTenant();
    const { invitationId } = await invite(tenant, 'daily@partner.test');
    const codes = [];
    for (let attempt = 0; attempt < 6; attempt += 1) {
      codes.push(userErrorCodes(await resend(tenant, invitationId)));
      await ageRateLimit(tenant, 'invitation_resend.minute', 61_000);
    }

    expect(codes).toEqual([[], [], [], [], [], ['RATE_LIMITED']]);
    expect(
      await em().count(RateLimitBucket, {
        tenant: tenant.tenantId,
        scope: 'invitation_resend.day',
      }),
    ).toBe(1);
  });

  it('refuses an accepted or revoked invitation with INVALID_STATE', async () => {
    const tenant = await freshTenant();
    const accepted = await invite(tenant, 'in@partner.test');
    const revoked = await invite(tenant, 'out@partner.test');
    await accept(accepted.token);
    await revoke(tenant, revoked.invitationId);

    expect(userErrorCodes(await resend(tenant, accepted.invitationId))).toEqual(['INVALID_STATE']);
    expect(userErrorCodes(await resend(tenant, revoked.invitationId))).toEqual(['INVALID_STATE']);
  });

  it("is for admins only, and another tenant's invitation is NOT_FOUND", async () => {
    const tenant = await freshTenant();
    const other = await freshTenant();
    const { invitationId } = await invite(tenant, 'guarded@partner.test');
    const member = await new Seeder(em()).userWithToken(tenant.tenantId, 'm@inv.test');

    const forbidden = await gateway.graphql(
      ResendInvitationDocument,
      { input: { invitationId } },
      member.token,
    );

    expect(errorCodes(forbidden)).toEqual(['FORBIDDEN']);
    expect(userErrorCodes(await resend(other, invitationId))).toEqual(['NOT_FOUND']);
  });
});

describe('revokeInvitation', () => {
  it('kills the link, keeps the user INVITED, and lets deleteUser remove them', async () => {
    const tenant = await freshTenant();
    const { invitationId, userId, token } = await invite(tenant, 'gone@partner.test');

    const payload = await revoke(tenant, invitationId);
    const again = await revoke(tenant, invitationId);

    expect(payload.invitation?.status).toBe('REVOKED');
    expect(again.userErrors).toEqual([]);
    expect(await preview(token)).toBeNull();
    expect((await em().findOneOrFail(User, userId)).status).toBe('INVITED');
    const signIn = await gateway.graphql(SignInDocument, {
      input: { tenantSlug: tenant.slug, email: 'gone@partner.test', password: PASSWORD },
    });
    expect(userErrorCodes(signIn.data?.signIn)).toEqual(['INVALID_CREDENTIALS']);

    const deleted = await gateway.graphql(
      DeleteUserDocument,
      { input: { userId } },
      tenant.adminToken,
    );
    expect(deleted.data?.deleteUser).toMatchObject({ deletedUserId: userId, userErrors: [] });
    const actions = (await storedAuditEvents(em(), tenant.tenantId)).map((event) => event.action);
    expect(actions.filter((action) => action === 'invitation.revoked')).toHaveLength(1);
  });

  it('refuses an accepted invitation with INVALID_STATE', async () => {
    const tenant = await freshTenant();
    const { invitationId, token } = await invite(tenant, 'stays@partner.test');
    await accept(token);

    expect(userErrorCodes(await revoke(tenant, invitationId))).toEqual(['INVALID_STATE']);
  });
});
