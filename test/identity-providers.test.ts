import { createHmac } from 'node:crypto';
import { exportSPKI } from 'jose';
import { AuditEvent } from '../src/audit/audit-event.entity';
import { User, UserSource } from '../src/user/user.entity';
import {
  AddIdentityProviderDocument,
  ConfigureSsoDocument,
  DeactivateUserDocument,
  InviteUserDocument,
  RemoveIdentityProviderDocument,
  SetProvisioningModeDocument,
  ViewerDocument,
} from './generated/graphql';
import { type TenantFixture, TestGateway } from './helpers/gateway';
import { errorCodes, userErrorCodes } from './helpers/graphql';
import { TestIssuer } from './helpers/jwks-server';
import { Seeder } from './helpers/seed';

let gateway: TestGateway;
/** The issuer the current test's tenant trusts; each tenant gets its own, as in real life. */
let issuer: TestIssuer;
const issuers: TestIssuer[] = [];
let count = 0;

beforeAll(async () => {
  gateway = await TestGateway.start();
});

afterAll(async () => {
  await gateway?.stop();
  await Promise.all(issuers.map((started) => started.stop()));
});

const em = () => gateway.orm.em.fork();

async function tenantTrusting(
  mode: 'SCIM' | 'JIT' | 'INVITE_ONLY' = 'INVITE_ONLY',
  shared?: TestIssuer,
): Promise<TenantFixture> {
  count += 1;
  const trusted = shared ?? (await TestIssuer.start());
  if (!shared) {
    issuers.push(trusted);
    issuer = trusted;
  }
  const tenant = await gateway.bootstrap(`idp-${count}`);
  const added = await gateway.graphql(
    AddIdentityProviderDocument,
    {
      input: {
        name: 'Test IdP',
        issuer: trusted.url,
        jwksUri: trusted.jwksUri,
        audiences: ['gateway-api'],
      },
    },
    tenant.adminToken,
  );
  expect(added.data?.addIdentityProvider.userErrors).toEqual([]);
  if (mode === 'JIT') {
    await gateway.graphql(
      ConfigureSsoDocument,
      {
        input: {
          protocol: 'OIDC',
          issuer: 'https://idp.example.com',
          clientId: 'gw',
          clientSecret: 'not-a-real-secret-x',
        },
      },
      tenant.adminToken,
    );
  }
  if (mode !== 'INVITE_ONLY') {
    await gateway.graphql(SetProvisioningModeDocument, { input: { mode } }, tenant.adminToken);
  }

  return tenant;
}

const viewer = (token: string, headers: Record<string, string> = {}) =>
  gateway.graphql(ViewerDocument, {}, token, headers);

async function viewerTokenOfMember(tenant: TenantFixture): Promise<string> {
  const seed = new Seeder(em());
  const member = await seed.user(tenant.tenantId, `member@${tenant.slug}.test`);

  return seed.token(member);
}

const person = (n: string) => ({
  sub: `idp-user-${n}`,
  email: `${n}@corp.test`,
  email_verified: true,
  name: `Person ${n}`,
});

describe('bearer JWTs from registered identity providers', () => {
  it('signs in a known user by verified email and links the IdP subject', async () => {
    const tenant = await tenantTrusting();
    const token = await issuer.mint({ ...person('x'), email: `admin@${tenant.slug}.test` });

    const response = await viewer(token);

    expect(response.data?.viewer.id).toBe(tenant.adminId);
    const admin = await em().findOneOrFail(User, tenant.adminId);
    expect(admin.idpSubject).toBe('idp-user-x');
    expect(admin.lastSeenAt).toBeTruthy();
  });

  it('creates an unknown user at first use in JIT mode, once under concurrency', async () => {
    const tenant = await tenantTrusting('JIT');
    const token = await issuer.mint(person('jit'));

    const responses = await Promise.all(Array.from({ length: 8 }, () => viewer(token)));

    expect(responses.map((r) => r.status)).toEqual(responses.map(() => 200));
    const users = await em().find(User, { tenant: tenant.tenantId, email: 'jit@corp.test' });
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({
      role: 'MEMBER',
      status: 'ACTIVE',
      source: UserSource.JIT,
      displayName: 'Person jit',
    });
    const events = await em().count(AuditEvent, {
      tenant: tenant.tenantId,
      action: 'user.jit_provisioned',
    });
    expect(events).toBe(1);
  });

  it('refuses strangers in INVITE_ONLY but accepts an invitation, keeping its role', async () => {
    const tenant = await tenantTrusting('INVITE_ONLY');
    const stranger = await viewer(await issuer.mint(person('stranger')));
    await gateway.graphql(
      InviteUserDocument,
      { input: { email: 'guest@corp.test', role: 'ADMIN' } },
      tenant.adminToken,
    );

    const invited = await viewer(await issuer.mint(person('guest')));

    expect(stranger.status).toBe(401);
    expect(stranger.errors?.[0].message).toMatch(/invitation only/);
    expect(invited.data?.viewer).toMatchObject({
      email: 'guest@corp.test',
      role: 'ADMIN',
      status: 'ACTIVE',
    });
  });

  it('does not let an unverified email claim an invitation', async () => {
    const tenant = await tenantTrusting('INVITE_ONLY');
    await gateway.graphql(
      InviteUserDocument,
      { input: { email: 'victim@corp.test' } },
      tenant.adminToken,
    );

    const response = await viewer(
      await issuer.mint({
        ...person('attacker'),
        email: 'victim@corp.test',
        email_verified: false,
      }),
    );

    expect(response.status).toBe(401);
    const victim = await em().findOneOrFail(User, {
      tenant: tenant.tenantId,
      email: 'victim@corp.test',
    });
    expect(victim.status).toBe('INVITED');
  });

  it('refuses an unknown user in SCIM mode until the IdP provisions them', async () => {
    await tenantTrusting('SCIM');
    const response = await viewer(await issuer.mint(person('unsynced')));

    expect(response.status).toBe(401);
    expect(response.errors?.[0].message).toMatch(/not provisioned/);
  });

  it('refuses a deactivated user', async () => {
    const tenant = await tenantTrusting('JIT');
    const token = await issuer.mint(person('leaver'));
    const first = await viewer(token);
    await gateway.graphql(
      DeactivateUserDocument,
      { input: { userId: first.data!.viewer.id } },
      tenant.adminToken,
    );

    const response = await viewer(token);

    expect(response.status).toBe(401);
    expect(response.errors?.[0].message).toMatch(/deactivated/);
  });

  it('picks the tenant named by X-Tenant when an issuer serves several tenants', async () => {
    const shared = await TestIssuer.start();
    issuers.push(shared);
    const one = await tenantTrusting('INVITE_ONLY', shared);
    await tenantTrusting('INVITE_ONLY', shared);
    const token = await shared.mint({ ...person('s'), email: `admin@${one.slug}.test` });

    const ambiguous = await viewer(token);
    const named = await viewer(token, { 'x-tenant': one.slug });

    expect(ambiguous.status).toBe(401);
    expect(ambiguous.errors?.[0].message).toMatch(/X-Tenant/);
    expect(named.data?.viewer.id).toBe(one.adminId);
  });

  it('stops accepting tokens once the provider is removed', async () => {
    const tenant = await tenantTrusting();
    const token = await issuer.mint({ ...person('r'), email: `admin@${tenant.slug}.test` });
    expect((await viewer(token)).status).toBe(200);
    const providers = await em().find('IdentityProvider', { tenant: tenant.tenantId });

    const removed = await gateway.graphql(
      RemoveIdentityProviderDocument,
      { input: { id: (providers[0] as { id: string }).id } },
      tenant.adminToken,
    );

    expect(removed.data?.removeIdentityProvider.userErrors).toEqual([]);
    expect((await viewer(token)).status).toBe(401);
  });
});

describe('JWT attacks, each refused with 401', () => {
  let tenant: TenantFixture;
  let claims: ReturnType<typeof person>;

  beforeAll(async () => {
    tenant = await tenantTrusting();
    claims = { ...person('a'), email: `admin@${tenant.slug}.test` };
  });

  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = () => Math.floor(Date.now() / 1000);
  const body = () => ({
    ...claims,
    iss: issuer.url,
    aud: 'gateway-api',
    iat: now(),
    exp: now() + 300,
  });

  it('accepts the untampered token (control)', async () => {
    expect((await viewer(await issuer.mint(claims))).status).toBe(200);
  });

  it('refuses alg none', async () => {
    const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(body())}.`;

    expect(errorCodes(await viewer(token))).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses an HS256 token signed with the public key as the secret', async () => {
    const pem = await exportSPKI(issuer.publicKey);
    const signingInput = `${b64({ alg: 'HS256', typ: 'JWT', kid: issuer.kid })}.${b64(body())}`;
    const signature = createHmac('sha256', pem).update(signingInput).digest('base64url');

    expect((await viewer(`${signingInput}.${signature}`)).status).toBe(401);
  });

  it('refuses unknown kids, refetching the key set at most once for a burst', async () => {
    const before = issuer.fetches;
    const tokens = await Promise.all(
      Array.from({ length: 5 }, (_, i) => issuer.mint(claims, { kid: `unknown-${i}` })),
    );

    const responses = await Promise.all(tokens.map((token) => viewer(token)));

    expect(responses.map((r) => r.status)).toEqual([401, 401, 401, 401, 401]);
    expect(issuer.fetches - before).toBeLessThanOrEqual(1);
  });

  it('refuses a token from another issuer, even with a valid signature', async () => {
    const token = await issuer.mint(claims, { issuer: 'https://evil.example.com' });

    expect((await viewer(token)).status).toBe(401);
  });

  it('refuses a token for another audience', async () => {
    const token = await issuer.mint(claims, { audience: 'some-other-api' });

    expect((await viewer(token)).status).toBe(401);
  });

  it('refuses an expired token, one not valid yet, and one issued in the future', async () => {
    const expired = await issuer.mint({ ...claims, exp: now() - 120 });
    const notYet = await issuer.mint({ ...claims, nbf: now() + 600 });
    const future = await issuer.mint({ ...claims, iat: now() + 600, exp: now() + 900 });

    expect((await viewer(expired)).status).toBe(401);
    expect((await viewer(notYet)).status).toBe(401);
    expect((await viewer(future)).status).toBe(401);
  });

  it('refuses a token whose payload was altered after signing', async () => {
    const [header, , signature] = (await issuer.mint(claims)).split('.');
    const forged = `${header}.${b64({ ...body(), email: 'someone-else@corp.test' })}.${signature}`;

    expect((await viewer(forged)).status).toBe(401);
  });
});

describe('addIdentityProvider', () => {
  it('refuses a non-https JWKS URI off loopback, a duplicate issuer, and a MEMBER', async () => {
    const tenant = await tenantTrusting();
    const add = (input: object, token = tenant.adminToken) =>
      gateway.graphql(
        AddIdentityProviderDocument,
        {
          input: {
            name: 'x',
            issuer: 'https://login.example.com',
            jwksUri: 'https://login.example.com/keys',
            audiences: ['api'],
            ...input,
          },
        },
        token,
      );

    const insecure = await add({ jwksUri: 'http://login.example.com/keys' });
    const duplicate = await add({ issuer: issuer.url });
    const member = await gateway.graphql(
      AddIdentityProviderDocument,
      {
        input: {
          name: 'x',
          issuer: 'https://a.example.com',
          jwksUri: 'https://a.example.com/k',
          audiences: ['api'],
        },
      },
      await viewerTokenOfMember(tenant),
    );

    expect(insecure.data?.addIdentityProvider.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID_VALUE', field: ['jwksUri'] }),
    ]);
    expect(userErrorCodes(duplicate.data?.addIdentityProvider)).toEqual(['ALREADY_EXISTS']);
    expect(errorCodes(member)).toEqual(['FORBIDDEN']);
  });
});
