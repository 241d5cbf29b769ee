import { PasswordReset } from '../src/auth/password-reset.entity';
import { hashToken } from '../src/auth/secret-token';
import { Invitation } from '../src/invitation/invitation.entity';
import { InviteUserDocument, ResetPasswordDocument } from './generated/graphql';
import { type TenantFixture, TestGateway } from './helpers/gateway';
import { Seeder } from './helpers/seed';
import { TestSmtpServer } from './helpers/smtp';

let smtp: TestSmtpServer;
let gateway: TestGateway;
let acme: TenantFixture;

beforeAll(async () => {
  smtp = await TestSmtpServer.start();
  gateway = await TestGateway.start({ smtpUrl: smtp.url, mailRetryBaseMs: 50 });
  acme = await gateway.bootstrap('acme');
});

afterAll(async () => {
  await gateway?.stop();
  await smtp?.stop();
});

/** The one-time token in a mail's link; a link "works" when it leads to the stored hash. */
const tokenIn = (text: string) => /token=([\w-]+)/.exec(text)?.[1] ?? '';

describe('mail sent by mutations, over real SMTP', () => {
  it('delivers the invitation once, naming tenant and expiry, linking to it', async () => {
    const response = await gateway.graphql(
      InviteUserDocument,
      { input: { email: 'newcomer@partner.test' } },
      acme.adminToken,
    );
    const invitationId = response.data!.inviteUser.invitation!.id;

    const [mail] = await smtp.waitFor((all) =>
      all.some((m) => m.to.includes('newcomer@partner.test')),
    );
    await new Promise((wait) => setTimeout(wait, 300));

    expect(smtp.received.filter((m) => m.to.includes('newcomer@partner.test'))).toHaveLength(1);
    expect(mail.subject).toContain('Tenant acme');
    expect(mail.text).toMatch(/expires on \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    expect(mail.text).toContain('http://gateway.test/invitations/accept?token=igw_inv_');
    expect(mail.html).toContain('href="http://gateway.test/invitations/accept?token=igw_inv_');
    const invitation = await gateway.orm.em
      .fork()
      .findOneOrFail(Invitation, { tokenHash: hashToken(tokenIn(mail.text)) });
    expect(invitation.id).toBe(invitationId);
  });

  it('delivers the password reset once, with a link to the stored single-use reset', async () => {
    const user = await new Seeder(gateway.orm.em.fork()).user(acme.tenantId, 'forgot@acme.test');

    await gateway.graphql(ResetPasswordDocument, { input: { userId: user.id } }, acme.adminToken);
    const received = await smtp.waitFor((all) =>
      all.some((m) => m.to.includes('forgot@acme.test')),
    );
    const mail = received.find((m) => m.to.includes('forgot@acme.test'))!;

    expect(mail.subject).toBe('Reset your Tenant acme password');
    expect(mail.text).toMatch(/expires on .* UTC/);
    const reset = await gateway.orm.em
      .fork()
      .findOneOrFail(PasswordReset, { tokenHash: hashToken(tokenIn(mail.text)) });
    expect(reset.user.id).toBe(user.id);
    expect(reset.usedAt).toBeNull();
  });
});
