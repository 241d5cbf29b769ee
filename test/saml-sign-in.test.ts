import { SamlAssertionSeen } from '../src/sso/saml-assertion-seen.entity';
import { User, UserSource, UserStatus } from '../src/user/user.entity';
import {
  ConfigureSsoDocument,
  InviteUserDocument,
  SetProvisioningModeDocument,
  ViewerDocument,
} from './generated/graphql';
import { type TenantFixture, TestGateway } from './helpers/gateway';
import {
  type AssertionOptions,
  authnRequestId,
  IDP_ENTITY_ID,
  IDP_SSO_URL,
  TestSamlIdp,
} from './helpers/saml-idp';
import { Seeder } from './helpers/seed';

let gateway: TestGateway;
let idp: TestSamlIdp;
let seed: Seeder;
let count = 0;

beforeAll(async () => {
  gateway = await TestGateway.start();
  idp = await TestSamlIdp.create();
  seed = new Seeder(gateway.orm.em.fork());
});

afterAll(() => gateway?.stop());

type Mode = 'SCIM' | 'JIT' | 'INVITE_ONLY';

/** A tenant of its own with a SAML connection to the test IdP, in the given mode. */
async function samlTenant(mode: Mode = 'JIT', certificate = idp.certificate) {
  count += 1;
  const tenant = await gateway.bootstrap(`saml-${count}`);
  const configured = await gateway.graphql(
    ConfigureSsoDocument,
    {
      input: {
        protocol: 'SAML',
        samlEntryPoint: IDP_SSO_URL,
        samlCertificate: certificate,
        issuer: IDP_ENTITY_ID,
      },
    },
    tenant.adminToken,
  );
  expect(configured.data?.configureSso.userErrors).toEqual([]);
  const switched = await gateway.graphql(
    SetProvisioningModeDocument,
    { input: { mode, dryRun: false } },
    tenant.adminToken,
  );
  expect(switched.data?.setProvisioningMode.userErrors).toEqual([]);

  return tenant;
}

function spUrls(tenant: TenantFixture) {
  const base = `http://gateway.test/auth/${tenant.slug}/saml`;

  return { audience: `${base}/metadata`, acs: `${base}/acs` };
}

/** Starts a sign-in as a browser would: the IdP redirect, and the cookie that goes with it. */
async function startLogin(tenant: TenantFixture) {
  const response = await fetch(`${gateway.url}/auth/${tenant.slug}/login`, { redirect: 'manual' });
  expect(response.status).toBe(303);
  const location = response.headers.get('location')!;
  expect(location.startsWith(`${IDP_SSO_URL}?SAMLRequest=`)).toBe(true);
  const cookie = response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ');

  return { requestId: authnRequestId(location), cookie };
}

async function postResponse(tenant: TenantFixture, cookie: string, samlResponse: string) {
  return fetch(`${gateway.url}/auth/${tenant.slug}/saml/acs`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ SAMLResponse: samlResponse }),
  });
}

/** The whole round trip: login, the IdP's response for `nameId`, the ACS's answer. */
async function signIn(
  tenant: TenantFixture,
  nameId: string,
  overrides: Partial<AssertionOptions> = {},
) {
  const { requestId, cookie } = await startLogin(tenant);
  const samlResponse = idp.response({
    ...spUrls(tenant),
    inResponseTo: requestId,
    nameId,
    attributes: { email: nameId },
    ...overrides,
  });
  const response = await postResponse(tenant, cookie, samlResponse);

  return { response, html: await response.text(), cookie, samlResponse };
}

function accessTokenOf(html: string): string {
  const token = /<code id="access_token">([^<]+)<\/code>/.exec(html)?.[1];
  if (!token) throw new Error(`expected a signed-in page, got ${html}`);

  return token;
}

function errorCodeOf(html: string): string | undefined {
  return /Error code: <code>([A-Z_]+)<\/code>/.exec(html)?.[1];
}

async function viewer(token: string) {
  return (await gateway.graphql(ViewerDocument, {}, token)).data?.viewer;
}

describe('SAML sign-in', () => {
  it('redirects to the IdP with an AuthnRequest for the tenant’s ACS', async () => {
    const tenant = await samlTenant();
    const { requestId, cookie } = await startLogin(tenant);

    expect(requestId).toMatch(/^_/);
    expect(cookie).toMatch(/^igw_saml_request=/);
  });

  it('starts a session for a valid signed assertion, which works on the API', async () => {
    const tenant = await samlTenant();
    const { response, html } = await signIn(tenant, 'ana@saml.test');

    expect(response.status).toBe(200);
    const me = await viewer(accessTokenOf(html));
    expect(me).toMatchObject({ email: 'ana@saml.test', status: 'ACTIVE', role: 'MEMBER' });
  });

  it('refuses an unsigned assertion', async () => {
    const tenant = await samlTenant();
    const { response, html } = await signIn(tenant, 'ana@saml.test', { signed: false });

    expect(response.status).toBe(401);
    expect(errorCodeOf(html)).toBe('INVALID_TOKEN');
  });

  it('refuses an assertion signed by another key', async () => {
    const other = await TestSamlIdp.create();
    const tenant = await samlTenant('JIT', other.certificate);
    const { response, html } = await signIn(tenant, 'ana@saml.test');

    expect(response.status).toBe(401);
    expect(errorCodeOf(html)).toBe('INVALID_TOKEN');
  });

  it('refuses an expired assertion beyond the clock skew', async () => {
    const tenant = await samlTenant();
    const { html } = await signIn(tenant, 'ana@saml.test', {
      notBefore: new Date(Date.now() - 600_000),
      notOnOrAfter: new Date(Date.now() - 120_000),
    });

    expect(errorCodeOf(html)).toBe('INVALID_TOKEN');
  });

  it('accepts an assertion whose expiry is within the clock skew', async () => {
    const tenant = await samlTenant();
    const { html } = await signIn(tenant, 'ana@saml.test', {
      notOnOrAfter: new Date(Date.now() - 20_000),
    });

    expect(await viewer(accessTokenOf(html))).toMatchObject({ email: 'ana@saml.test' });
  });

  it('refuses an assertion for another audience', async () => {
    const tenant = await samlTenant();
    const { html } = await signIn(tenant, 'ana@saml.test', {
      audience: 'http://gateway.test/auth/other/saml/metadata',
    });

    expect(errorCodeOf(html)).toBe('INVALID_TOKEN');
  });

  it('refuses a response addressed to another ACS', async () => {
    const tenant = await samlTenant();
    const { html } = await signIn(tenant, 'ana@saml.test', {
      acs: 'https://elsewhere.example.com/acs',
    });

    expect(errorCodeOf(html)).toBe('INVALID_TOKEN');
  });

  it('refuses a response from another issuer', async () => {
    const tenant = await samlTenant();
    const { html } = await signIn(tenant, 'ana@saml.test', { issuer: 'https://evil.example' });

    expect(errorCodeOf(html)).toBe('INVALID_TOKEN');
  });

  it('refuses a response to a request this browser did not start', async () => {
    const tenant = await samlTenant();
    const { html } = await signIn(tenant, 'ana@saml.test', { inResponseTo: '_forged' });

    expect(errorCodeOf(html)).toBe('INVALID_TOKEN');
  });

  it('refuses a response posted without the sign-in cookie', async () => {
    const tenant = await samlTenant();
    const { requestId } = await startLogin(tenant);
    const samlResponse = idp.response({
      ...spUrls(tenant),
      inResponseTo: requestId,
      nameId: 'ana@saml.test',
    });
    const response = await postResponse(tenant, '', samlResponse);

    expect(errorCodeOf(await response.text())).toBe('INVALID_TOKEN');
  });

  it('refuses the same assertion a second time, even with a fresh request', async () => {
    const tenant = await samlTenant();
    const assertionId = `_replayed-${count}`;
    const first = await signIn(tenant, 'ana@saml.test', { assertionId });
    accessTokenOf(first.html);

    const replayed = await postResponse(tenant, first.cookie, first.samlResponse);
    expect(errorCodeOf(await replayed.text())).toBe('INVALID_TOKEN');

    const again = await signIn(tenant, 'ana@saml.test', { assertionId });
    expect(errorCodeOf(again.html)).toBe('INVALID_TOKEN');
    const seen = await gateway.orm.em.fork().count(SamlAssertionSeen, {
      tenant: tenant.tenantId,
      assertionId,
    });
    expect(seen).toBe(1);
  });

  it('serves SP metadata naming the entity id and the ACS', async () => {
    const tenant = await samlTenant();
    const response = await fetch(`${gateway.url}/auth/${tenant.slug}/saml/metadata`);
    const xml = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/samlmetadata\+xml/);
    expect(xml).toContain(`entityID="${spUrls(tenant).audience}"`);
    expect(xml).toContain(`Location="${spUrls(tenant).acs}"`);
  });
});

describe('SAML sign-in of people the tenant does not know', () => {
  it('creates a MEMBER from JIT at first sign-in in JIT mode', async () => {
    const tenant = await samlTenant('JIT');
    const { html } = await signIn(tenant, 'nameid-42', {
      attributes: { email: 'New.Person@saml.test', displayName: 'New Person' },
    });

    expect(await viewer(accessTokenOf(html))).toMatchObject({ email: 'new.person@saml.test' });
    const user = await gateway.orm.em
      .fork()
      .findOneOrFail(User, { tenant: tenant.tenantId, email: 'new.person@saml.test' });
    expect(user).toMatchObject({
      role: 'MEMBER',
      source: UserSource.JIT,
      idpSubject: 'nameid-42',
      displayName: 'New Person',
    });
  });

  it('refuses them with NOT_INVITED in INVITE_ONLY mode', async () => {
    const tenant = await samlTenant('INVITE_ONLY');
    const { response, html } = await signIn(tenant, 'stranger@saml.test');

    expect(response.status).toBe(403);
    expect(errorCodeOf(html)).toBe('NOT_INVITED');
  });

  it('refuses them with NOT_PROVISIONED in SCIM mode', async () => {
    const tenant = await samlTenant('SCIM');
    const { html } = await signIn(tenant, 'stranger@saml.test');

    expect(errorCodeOf(html)).toBe('NOT_PROVISIONED');
  });
});

describe('SAML sign-in of people the tenant knows', () => {
  it('accepts an invited user’s invitation, keeping the invited role', async () => {
    const tenant = await samlTenant('INVITE_ONLY');
    const invited = await gateway.graphql(
      InviteUserDocument,
      { input: { email: 'guest@saml.test', role: 'ADMIN' } },
      tenant.adminToken,
    );
    expect(invited.data?.inviteUser.userErrors).toEqual([]);

    const { html } = await signIn(tenant, 'guest@saml.test');
    expect(await viewer(accessTokenOf(html))).toMatchObject({
      email: 'guest@saml.test',
      role: 'ADMIN',
      status: 'ACTIVE',
    });
  });

  it('refuses a deactivated user', async () => {
    const tenant = await samlTenant('JIT');
    await seed.user(tenant.tenantId, 'gone@saml.test', { status: UserStatus.DEACTIVATED });
    const { response, html } = await signIn(tenant, 'gone@saml.test');

    expect(response.status).toBe(403);
    expect(errorCodeOf(html)).toBe('USER_DEACTIVATED');
  });

  it('answers a refusal at an allowed returnTo with the error code in the fragment', async () => {
    const tenant = await samlTenant('INVITE_ONLY');
    const returnTo = 'http://gateway.test/app';
    const settings = gateway.runtime.settings;
    const previous = settings.signInReturnUrls;
    settings.signInReturnUrls = ['http://gateway.test'];
    try {
      const login = await fetch(
        `${gateway.url}/auth/${tenant.slug}/login?returnTo=${encodeURIComponent(returnTo)}`,
        { redirect: 'manual' },
      );
      const cookie = login.headers
        .getSetCookie()
        .map((line) => line.split(';')[0])
        .join('; ');
      const samlResponse = idp.response({
        ...spUrls(tenant),
        inResponseTo: authnRequestId(login.headers.get('location')!),
        nameId: 'stranger@saml.test',
      });
      const response = await postResponse(tenant, cookie, samlResponse);

      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe(`${returnTo}#error=NOT_INVITED`);
    } finally {
      settings.signInReturnUrls = previous;
    }
  });
});
