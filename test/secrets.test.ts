import { MailMessage } from '../src/mail/mail-message.entity';
import {
  AccessTokensDocument,
  AuditEventsDocument,
  ConfigureSsoDocument,
  CreateAccessTokenDocument,
  InviteUserDocument,
  ResetPasswordDocument,
  RotateScimTokenDocument,
  SetProvisioningModeDocument,
  TenantSettingsDocument,
  UsersDocument,
} from './generated/graphql';
import { type TenantFixture, TestGateway } from './helpers/gateway';
import { secretPart } from './helpers/secret-part';
import { Seeder } from './helpers/seed';

let gateway: TestGateway;
let acme: TenantFixture;
const secrets: Record<string, string> = {};

/** The part of a token that makes it secret; its prefix and tenant id are public. */

async function linkToken(recipient: string): Promise<string> {
  const [message] = await gateway.orm.em.fork().find(MailMessage, { recipient });
  const { text } = gateway.runtime.outbox.openBody(message);

  return /token=([\w-]+)/.exec(text)![1];
}

beforeAll(async () => {
  gateway = await TestGateway.start();
  acme = await gateway.bootstrap('acme');
  secrets.bootstrapToken = acme.adminToken;
  secrets.clientSecret = 'the-oidc-client-secret-0123456789';
  await gateway.graphql(
    ConfigureSsoDocument,
    {
      input: {
        protocol: 'OIDC',
        issuer: 'https://idp.example.com',
        clientId: 'gw',
        clientSecret: secrets.clientSecret,
      },
    },
    acme.adminToken,
  );
  await gateway.graphql(SetProvisioningModeDocument, { input: { mode: 'SCIM' } }, acme.adminToken);
  const rotated = await gateway.graphql(
    RotateScimTokenDocument,
    { input: { gracePeriodMinutes: 0 } },
    acme.adminToken,
  );
  secrets.scimToken = rotated.data!.rotateScimToken.token!;
  await gateway.graphql(
    InviteUserDocument,
    { input: { email: 'guest@partner.test' } },
    acme.adminToken,
  );
  secrets.invitationToken = await linkToken('guest@partner.test');
  const created = await gateway.graphql(
    CreateAccessTokenDocument,
    { input: { name: 'automation' } },
    acme.adminToken,
  );
  secrets.accessToken = created.data!.createAccessToken.token!;

  // Password resets need a tenant without SSO: use a second one.
  const globex = await gateway.bootstrap('globex');
  const member = await new Seeder(gateway.orm.em.fork()).user(globex.tenantId, 'm@globex.test');
  await gateway.graphql(ResetPasswordDocument, { input: { userId: member.id } }, globex.adminToken);
  secrets.resetToken = await linkToken('m@globex.test');
});

afterAll(() => gateway?.stop());

describe('secrets after their one showing', () => {
  it('captured every kind of secret', () => {
    expect(Object.keys(secrets).sort()).toEqual([
      'accessToken',
      'bootstrapToken',
      'clientSecret',
      'invitationToken',
      'resetToken',
      'scimToken',
    ]);
    expect(secrets.invitationToken).toMatch(/^igw_inv_/);
    expect(secrets.resetToken).toMatch(/^igw_rst_/);
  });

  it('appear in no query result', async () => {
    const results = await Promise.all([
      gateway.graphql(TenantSettingsDocument, {}, acme.adminToken),
      gateway.graphql(UsersDocument, { first: 100 }, acme.adminToken),
      gateway.graphql(AccessTokensDocument, {}, acme.adminToken),
      gateway.graphql(AuditEventsDocument, { first: 100 }, acme.adminToken),
    ]);
    const text = JSON.stringify(results);

    expect(results.every((result) => !result.errors)).toBe(true);
    for (const secret of Object.values(secrets)) expect(text).not.toContain(secretPart(secret));
  });

  it('appear in no audit event and no table outside the sealed mail outbox', async () => {
    const connection = gateway.orm.em.fork().getConnection();
    const tables: { table_name: string }[] = await connection.execute(
      "select table_name from information_schema.tables where table_schema = 'public'",
    );
    for (const { table_name } of tables) {
      const rows = await connection.execute(`select * from "${table_name}"`);
      const text = JSON.stringify(rows);
      for (const [name, secret] of Object.entries(secrets)) {
        expect({ table_name, name, leaked: text.includes(secretPart(secret)) }).toEqual({
          table_name,
          name,
          leaked: false,
        });
      }
    }
  });

  it('appear in no log line', () => {
    const logs = gateway.logLines.join('\n');

    expect(gateway.logLines.length).toBeGreaterThan(5);
    for (const secret of Object.values(secrets)) expect(logs).not.toContain(secretPart(secret));
  });
});
