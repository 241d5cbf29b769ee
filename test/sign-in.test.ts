import { PasswordReset } from '../src/auth/password-reset.entity';
import { MailMessage } from '../src/mail/mail-message.entity';
import { User, UserStatus } from '../src/user/user.entity';
import {
  ConfigureSsoDocument,
  RequestPasswordResetDocument,
  SignInDocument,
  ViewerDocument,
} from './generated/graphql';
import { type TenantFixture, TestGateway } from './helpers/gateway';
import { userErrorCodes } from './helpers/graphql';
import { Seeder } from './helpers/seed';

let gateway: TestGateway;
let seed: Seeder;
let count = 0;
const PASSWORD = 'marble falcon ribbon 11';

beforeAll(async () => {
  gateway = await TestGateway.start();
  seed = new Seeder(gateway.orm.em.fork());
});

afterAll(() => gateway?.stop());

const em = () => gateway.orm.em.fork();

/** A tenant of its own, so that its per-network counters start at zero. */
async function freshTenant(): Promise<TenantFixture> {
  count += 1;

  return gateway.bootstrap(`sign-${count}`);
}

async function withPassword(tenant: TenantFixture, email: string, password = PASSWORD) {
  const user = await seed.user(tenant.tenantId, email);
  await seed.password(user, gateway.runtime.passwords, password);

  return user;
}

async function signIn(tenant: TenantFixture | string, email: string, password: string) {
  const tenantSlug = typeof tenant === 'string' ? tenant : tenant.slug;
  const response = await gateway.graphql(SignInDocument, {
    input: { tenantSlug, email, password },
  });

  return response.data!.signIn;
}

async function requestReset(tenant: TenantFixture | string, email: string) {
  const tenantSlug = typeof tenant === 'string' ? tenant : tenant.slug;
  const response = await gateway.graphql(RequestPasswordResetDocument, {
    input: { tenantSlug, email },
  });

  return response.data!.requestPasswordReset;
}

async function configureSso(tenant: TenantFixture) {
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
}

describe('signIn', () => {
  it('returns a session whose access token calls the API as the user', async () => {
    const tenant = await freshTenant();
    await withPassword(tenant, 'kim@sign.test');

    const payload = await signIn(tenant, ' KIM@sign.test ', PASSWORD);
    const viewer = await gateway.graphql(ViewerDocument, {}, payload.session!.accessToken);

    expect(payload.userErrors).toEqual([]);
    expect(viewer.data?.viewer.email).toBe('kim@sign.test');
  });

  it('answers an unknown email, a wrong password, a user without a password, an inactive user and an unknown tenant alike', async () => {
    const tenant = await freshTenant();
    await withPassword(tenant, 'known@sign.test');
    await seed.user(tenant.tenantId, 'nopassword@sign.test');
    const gone = await withPassword(tenant, 'gone@sign.test');
    await em().nativeUpdate(User, { id: gone.id }, { status: UserStatus.DEACTIVATED });

    const answers = [
      await signIn(tenant, 'nobody@sign.test', PASSWORD),
      await signIn(tenant, 'known@sign.test', 'wrong password entirely'),
      await signIn(tenant, 'nopassword@sign.test', PASSWORD),
      await signIn(tenant, 'gone@sign.test', PASSWORD),
      await signIn('no-such-tenant', 'known@sign.test', PASSWORD),
    ];

    expect(answers.every((answer) => answer.session === null)).toBe(true);
    expect(new Set(answers.map((answer) => JSON.stringify(answer.userErrors))).size).toBe(1);
    expect(answers[0].userErrors).toEqual([
      {
        code: 'INVALID_CREDENTIALS',
        message:
          'The email or password is incorrect. Check both, or reset your password with ' +
          '`requestPasswordReset`.',
        field: null,
        retryAfter: null,
      },
    ]);
  });

  it('answers SSO_MANAGED once the tenant has SSO, even with the right password', async () => {
    const tenant = await freshTenant();
    await withPassword(tenant, 'sso@sign.test');
    await configureSso(tenant);

    const payload = await signIn(tenant, 'sso@sign.test', PASSWORD);

    expect(userErrorCodes(payload)).toEqual(['SSO_MANAGED']);
    expect(payload.userErrors[0].message).toContain('Sign in through the identity provider');
  });
});

describe('signIn rate limits', () => {
  it('locks an account out after 5 failures in 15 minutes, even for the right password', async () => {
    const tenant = await freshTenant();
    await withPassword(tenant, 'target@sign.test');
    const codes = [];
    for (let attempt = 0; attempt < 5; attempt += 1) {
      codes.push(userErrorCodes(await signIn(tenant, 'target@sign.test', `guess ${attempt}`)));
    }

    const locked = await signIn(tenant, 'target@sign.test', PASSWORD);

    expect(codes).toEqual(Array(5).fill(['INVALID_CREDENTIALS']));
    expect(userErrorCodes(locked)).toEqual(['RATE_LIMITED']);
    const retryInMs = new Date(locked.userErrors[0].retryAfter!).getTime() - Date.now();
    expect(retryInMs).toBeGreaterThan(50_000);
    expect(retryInMs).toBeLessThanOrEqual(60_000);
    expect(locked.userErrors[0].message).toMatch(/^Too many failed sign-ins\. Try again after /);
    const other = await withPassword(tenant, 'bystander@sign.test');
    expect((await signIn(tenant, other.email, PASSWORD)).userErrors).toEqual([]);
  });

  it('locks an unknown email out exactly like a real one, so lockouts reveal nothing', async () => {
    const tenant = await freshTenant();
    await withPassword(tenant, 'real@sign.test');
    const lockOut = async (email: string) => {
      for (let attempt = 0; attempt < 5; attempt += 1) await signIn(tenant, email, 'wrong guess');
      const { userErrors } = await signIn(tenant, email, 'wrong guess');

      return userErrors.map(({ code, field }) => ({ code, field }));
    };

    expect(await lockOut('real@sign.test')).toEqual(await lockOut('ghost@sign.test'));
  });

  it('doubles the lockout each time it comes back', async () => {
    const tenant = await freshTenant();
    await withPassword(tenant, 'repeat@sign.test');
    const lockoutMs = async () => {
      for (let attempt = 0; attempt < 5; attempt += 1) {
        await signIn(tenant, 'repeat@sign.test', 'still wrong');
      }
      const { userErrors } = await signIn(tenant, 'repeat@sign.test', 'still wrong');
      // Let the lockout end, as if its time had passed.
      await em()
        .getConnection()
        .execute(
          `update rate_limit_bucket set blocked_until = now() - interval '1 second'
           where tenant_id = ? and scope = 'sign_in.account'`,
          [tenant.tenantId],
        );

      return new Date(userErrors[0].retryAfter!).getTime() - Date.now();
    };

    const first = await lockoutMs();
    const second = await lockoutMs();
    const third = await lockoutMs();

    expect(first).toBeGreaterThan(55_000);
    expect(first).toBeLessThanOrEqual(60_000);
    expect(second).toBeGreaterThan(115_000);
    expect(second).toBeLessThanOrEqual(120_000);
    expect(third).toBeGreaterThan(235_000);
    expect(third).toBeLessThanOrEqual(240_000);
  });

  it('forgets the failures after a successful sign-in', async () => {
    const tenant = await freshTenant();
    await withPassword(tenant, 'forgetful@sign.test');
    for (let attempt = 0; attempt < 4; attempt += 1) {
      await signIn(tenant, 'forgetful@sign.test', 'typo typo typo');
    }
    expect((await signIn(tenant, 'forgetful@sign.test', PASSWORD)).userErrors).toEqual([]);

    const after = [];
    for (let attempt = 0; attempt < 4; attempt += 1) {
      after.push(userErrorCodes(await signIn(tenant, 'forgetful@sign.test', 'typo again')));
    }

    expect(after).toEqual(Array(4).fill(['INVALID_CREDENTIALS']));
  });

  it('locks a network out after 100 failures over any accounts', async () => {
    const tenant = await freshTenant();
    await withPassword(tenant, 'victim@sign.test');
    const codes = new Set<string>();
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const payload = await signIn(tenant, `spray-${attempt}@sign.test`, 'Summer2024!!');
      codes.add(userErrorCodes(payload)!.join());
    }

    const blocked = await signIn(tenant, 'victim@sign.test', PASSWORD);

    expect([...codes]).toEqual(['INVALID_CREDENTIALS']);
    expect(userErrorCodes(blocked)).toEqual(['RATE_LIMITED']);
    const elsewhere = await freshTenant();
    await withPassword(elsewhere, 'victim@sign.test');
    expect((await signIn(elsewhere, 'victim@sign.test', PASSWORD)).userErrors).toEqual([]);
  });
});

describe('requestPasswordReset', () => {
  it('answers the same for a known, an unknown and an inactive account, and mails only the known one', async () => {
    const tenant = await freshTenant();
    await withPassword(tenant, 'owner@sign.test');
    const invited = await seed.user(tenant.tenantId, 'invited@sign.test');
    await em().nativeUpdate(User, { id: invited.id }, { status: UserStatus.INVITED });

    const answers = [
      await requestReset(tenant, 'owner@sign.test'),
      await requestReset(tenant, 'stranger@sign.test'),
      await requestReset(tenant, 'invited@sign.test'),
      await requestReset('no-such-tenant', 'owner@sign.test'),
    ];

    expect(answers).toEqual(Array(4).fill({ userErrors: [] }));
    const mails = await em().find(MailMessage, { kind: 'password_reset' });
    expect(mails.map((mail) => mail.recipient)).toEqual(['owner@sign.test']);
    expect(await em().count(PasswordReset, { tenant: tenant.tenantId })).toBe(1);
  });

  it('allows 3 requests an hour per email, known or not', async () => {
    const tenant = await freshTenant();
    await withPassword(tenant, 'spammed@sign.test');
    const known = [];
    const unknown = [];
    for (let attempt = 0; attempt < 4; attempt += 1) {
      known.push(userErrorCodes(await requestReset(tenant, 'spammed@sign.test')));
      unknown.push(userErrorCodes(await requestReset(tenant, 'nobody@sign.test')));
    }

    expect(known).toEqual([[], [], [], ['RATE_LIMITED']]);
    expect(unknown).toEqual(known);
    expect(await em().count(MailMessage, { recipient: 'spammed@sign.test' })).toBe(3);
  });

  it('allows 20 requests an hour per network', async () => {
    const tenant = await freshTenant();
    const codes = [];
    for (let attempt = 0; attempt < 21; attempt += 1) {
      codes.push(userErrorCodes(await requestReset(tenant, `n${attempt}@sign.test`))!.join());
    }

    expect(codes.slice(0, 20)).toEqual(Array(20).fill(''));
    expect(codes[20]).toBe('RATE_LIMITED');
  });

  it('answers SSO_MANAGED in a tenant with SSO, like the admin resetPassword', async () => {
    const tenant = await freshTenant();
    await withPassword(tenant, 'sso-reset@sign.test');
    await configureSso(tenant);

    expect(userErrorCodes(await requestReset(tenant, 'sso-reset@sign.test'))).toEqual([
      'SSO_MANAGED',
    ]);
  });
});
