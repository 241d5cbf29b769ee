import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import {
  AcceptInvitationDocument,
  CompletePasswordResetDocument,
  CreateAccessTokenDocument,
  InvitationPreviewDocument,
  InviteUserDocument,
  RefreshSessionDocument,
  ResetPasswordDocument,
  SignInDocument,
  ViewerDocument,
} from './generated/graphql';
import { type TenantFixture, TestGateway } from './helpers/gateway';
import { errorCodes, userErrorCodes } from './helpers/graphql';
import { storedAuditEvents } from './helpers/seed';
import { type ReceivedMail, TestSmtpServer } from './helpers/smtp';

let smtp: TestSmtpServer;
let gateway: TestGateway;
let acme: TenantFixture;

/** Every secret the flows handle, to prove afterwards that none was written anywhere. */
const secrets = new Map<string, string>();
/** Every response body the flows received, errors included. */
const responses: unknown[] = [];

beforeAll(async () => {
  smtp = await TestSmtpServer.start();
  gateway = await TestGateway.start({ smtpUrl: smtp.url, mailRetryBaseMs: 50 });
  acme = await gateway.bootstrap('acme');
});

afterAll(async () => {
  await gateway?.stop();
  await smtp?.stop();
});

/** Calls the gateway and keeps the response, for the final check that nothing leaked. */
async function call<TData, TVariables>(
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
  token?: string,
) {
  const response = await gateway.graphql(document, variables, token);
  responses.push(response);

  return response;
}

async function mailTo(recipient: string, subject: RegExp): Promise<ReceivedMail> {
  const match = (mail: ReceivedMail) => mail.to.includes(recipient) && subject.test(mail.subject);
  const received = await smtp.waitFor((all) => all.some(match));

  return received.filter(match).at(-1)!;
}

/** The one-time token in a mail's link, as the page behind the link would read it. */
function linkToken(mail: ReceivedMail, path: string): string {
  const link = new RegExp(`(http://gateway\\.test${path}\\?token=[\\w-]+)`).exec(mail.text)?.[1];
  expect(link).toBeDefined();

  return new URL(link!).searchParams.get('token')!;
}

const signIn = (email: string, password: string) =>
  call(SignInDocument, { input: { tenantSlug: 'acme', email, password } });

describe('an invited user, over HTTP and real SMTP', () => {
  const password = 'violet tandem harbour 42';
  let session: { accessToken: string; refreshToken: string };

  it('reads the invitation from the link in the email and accepts it with a password', async () => {
    const invited = await call(
      InviteUserDocument,
      { input: { email: 'nina@partner.test' } },
      acme.adminToken,
    );
    expect(invited.data?.inviteUser.userErrors).toEqual([]);

    const mail = await mailTo('nina@partner.test', /invited/);
    const token = linkToken(mail, '/invitations/accept');
    secrets.set('invitation token', token);
    secrets.set('password', password);

    const preview = await call(InvitationPreviewDocument, { token });
    expect(preview.status).toBe(200);
    expect(preview.data?.invitation).toEqual({
      tenantName: 'Tenant acme',
      email: 'nina@partner.test',
      expiresAt: invited.data!.inviteUser.invitation!.expiresAt,
    });

    const accepted = await call(AcceptInvitationDocument, {
      input: { token, password, displayName: 'Nina Berg' },
    });
    const payload = accepted.data!.acceptInvitation;
    expect(payload.userErrors).toEqual([]);
    expect(payload.user).toMatchObject({
      email: 'nina@partner.test',
      status: 'ACTIVE',
      displayName: 'Nina Berg',
      teams: [],
    });
    expect(payload.session?.accessToken.split('.')).toHaveLength(3);
    secrets.set('accepted refresh token', payload.session!.refreshToken);
    secrets.set('accepted access token', payload.session!.accessToken);
  });

  it('signs in with that password and calls viewer with the access token', async () => {
    const response = await signIn('Nina@Partner.test', password);
    expect(response.data?.signIn.userErrors).toEqual([]);
    session = response.data!.signIn.session!;
    secrets.set('signed-in refresh token', session.refreshToken);
    secrets.set('signed-in access token', session.accessToken);

    const viewer = await call(ViewerDocument, {}, session.accessToken);

    expect(viewer.status).toBe(200);
    expect(viewer.data?.viewer).toMatchObject({ email: 'nina@partner.test', status: 'ACTIVE' });
  });

  it('finds the invitation link used up', async () => {
    const token = secrets.get('invitation token')!;
    const preview = await call(InvitationPreviewDocument, { token });
    const again = await call(AcceptInvitationDocument, { input: { token, password } });

    expect(preview.data?.invitation).toBeNull();
    expect(userErrorCodes(again.data?.acceptInvitation)).toEqual(['INVALID_TOKEN']);
  });

  it('records the acceptance and the sign-in as the user, without any secret', async () => {
    const events = await storedAuditEvents(gateway.orm.em.fork(), acme.tenantId);
    const accepted = events.find((event) => event.action === 'user.invitation_accepted');
    const signedIn = events.find((event) => event.action === 'user.signed_in');

    expect(accepted).toMatchObject({ actorType: 'USER' });
    expect(signedIn).toMatchObject({ actorType: 'USER', actorId: accepted!.actorId });
  });
});

describe('a password reset, over HTTP and real SMTP', () => {
  const oldPassword = 'copper lantern meadow 7';
  const newPassword = 'quiet orchard signal 19';
  let userId: string;
  let personalToken: string;
  let oldSession: { accessToken: string; refreshToken: string };

  beforeAll(async () => {
    const invited = await call(
      InviteUserDocument,
      { input: { email: 'omar@acme.test' } },
      acme.adminToken,
    );
    userId = invited.data!.inviteUser.user!.id;
    const token = linkToken(await mailTo('omar@acme.test', /invited/), '/invitations/accept');
    await call(AcceptInvitationDocument, { input: { token, password: oldPassword } });
    oldSession = (await signIn('omar@acme.test', oldPassword)).data!.signIn.session!;
    const created = await call(
      CreateAccessTokenDocument,
      { input: { name: 'laptop' } },
      oldSession.accessToken,
    );
    personalToken = created.data!.createAccessToken.token!;
    secrets.set('old password', oldPassword);
    secrets.set('new password', newPassword);
    secrets.set('personal access token', personalToken);
    secrets.set('old session refresh token', oldSession.refreshToken);
  });

  it('completes the reset from the emailed link and says so by email', async () => {
    const requested = await call(ResetPasswordDocument, { input: { userId } }, acme.adminToken);
    expect(requested.data?.resetPassword.userErrors).toEqual([]);
    const token = linkToken(await mailTo('omar@acme.test', /^Reset/), '/password-reset');
    secrets.set('reset token', token);

    const completed = await call(CompletePasswordResetDocument, {
      input: { token, newPassword },
    });

    expect(completed.data?.completePasswordReset.userErrors).toEqual([]);
    const confirmation = await mailTo('omar@acme.test', /password was changed/);
    expect(confirmation.text).toContain('Every session and personal access token');
  });

  it('refuses the old password and accepts the new one', async () => {
    const old = await signIn('omar@acme.test', oldPassword);
    const fresh = await signIn('omar@acme.test', newPassword);

    expect(userErrorCodes(old.data?.signIn)).toEqual(['INVALID_CREDENTIALS']);
    expect(fresh.data?.signIn.userErrors).toEqual([]);
    const viewer = await call(ViewerDocument, {}, fresh.data!.signIn.session!.accessToken);
    expect(viewer.data?.viewer.email).toBe('omar@acme.test');
  });

  it('has revoked the personal access token and the old session', async () => {
    const withToken = await call(ViewerDocument, {}, personalToken);
    const withOldAccess = await call(ViewerDocument, {}, oldSession.accessToken);
    const refreshed = await call(RefreshSessionDocument, {
      input: { refreshToken: oldSession.refreshToken },
    });

    expect([withToken.status, withOldAccess.status]).toEqual([401, 401]);
    expect(errorCodes(withToken)).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(withOldAccess)).toEqual(['UNAUTHENTICATED']);
    expect(userErrorCodes(refreshed.data?.refreshSession)).toEqual(['INVALID_TOKEN']);
  });

  it('refuses the reset link a second time', async () => {
    const again = await call(CompletePasswordResetDocument, {
      input: { token: secrets.get('reset token')!, newPassword: 'another long passphrase 3' },
    });

    expect(userErrorCodes(again.data?.completePasswordReset)).toEqual(['INVALID_TOKEN']);
  });

  it('audits the completion as the user, with what it revoked', async () => {
    const events = await storedAuditEvents(gateway.orm.em.fork(), acme.tenantId);
    const completed = events.find((event) => event.action === 'user.password_reset_completed');

    expect(completed).toMatchObject({
      actorType: 'USER',
      actorId: userId,
      metadata: { accessTokensRevoked: 1, sessionsRevoked: 2 },
    });
  });
});

describe('the secrets these flows handled', () => {
  it('appear in no log line, no response and no table outside the sealed mail outbox', async () => {
    const logs = gateway.logLines.join('\n');
    const answered = JSON.stringify(responses.map((r) => ({ ...(r as object), headers: null })));
    const connection = gateway.orm.em.fork().getConnection();
    const tables: { table_name: string }[] = await connection.execute(
      "select table_name from information_schema.tables where table_schema = 'public'",
    );
    const stored: Record<string, string> = {};
    for (const { table_name } of tables) {
      stored[table_name] = JSON.stringify(
        await connection.execute(`select * from "${table_name}"`),
      );
    }

    expect(secrets.size).toBe(11);
    expect(gateway.logLines.length).toBeGreaterThan(10);
    for (const [name, secret] of secrets) {
      expect({ name, inLogs: logs.includes(secret) }).toEqual({ name, inLogs: false });
      const leakedTo = Object.keys(stored).filter((table) => stored[table].includes(secret));
      expect({ name, leakedTo }).toEqual({ name, leakedTo: [] });
    }
    // Responses carry the tokens they issue; errors and payloads never echo a password back.
    for (const name of ['password', 'old password', 'new password']) {
      expect({ name, answered: answered.includes(secrets.get(name)!) }).toEqual({
        name,
        answered: false,
      });
    }
  });
});
