import { createHash } from 'node:crypto';
import { Issuer } from 'openid-client';
import { User, UserSource } from '../src/user/user.entity';
import {
  AddIdentityProviderDocument,
  ConfigureSsoDocument,
  DeactivateUserDocument,
  InviteUserDocument,
  SetProvisioningModeDocument,
  ViewerDocument,
} from './generated/graphql';
import { type TenantFixture, TestGateway } from './helpers/gateway';
import { browse, CookieJar, type TestAccount, TestOidcProvider } from './helpers/oidc-provider';

const PUBLIC_URL = 'http://gateway.test';
const FRONTEND = 'https://app.example.com';
const CLIENT = { clientId: 'gateway', clientSecret: 'a-client-secret-for-tests' };
const TEST_CALLBACK = 'http://127.0.0.1/test-callback';
const SLUGS = Array.from({ length: 20 }, (_, i) => `oidc-${i + 1}`);

let gateway: TestGateway;
let provider: TestOidcProvider;
let count = 0;

beforeAll(async () => {
  [gateway, provider] = await Promise.all([
    TestGateway.start(),
    TestOidcProvider.start({
      ...CLIENT,
      redirectUris: [...SLUGS.map((slug) => `${PUBLIC_URL}/auth/${slug}/callback`), TEST_CALLBACK],
    }),
  ]);
  gateway.runtime.settings.signInReturnUrls = [FRONTEND];
});

afterAll(async () => {
  await gateway?.stop();
  await provider?.stop();
});

const em = () => gateway.orm.em.fork();
const toGateway = (url: string) => url.replace(PUBLIC_URL, gateway.url);

async function tenantWithSso(mode: 'SCIM' | 'JIT' | 'INVITE_ONLY'): Promise<TenantFixture> {
  count += 1;
  const tenant = await gateway.bootstrap(SLUGS[count - 1]);
  const configured = await gateway.graphql(
    ConfigureSsoDocument,
    { input: { protocol: 'OIDC', issuer: provider.issuer, ...CLIENT } },
    tenant.adminToken,
  );
  expect(configured.data?.configureSso.userErrors).toEqual([]);
  if (mode !== 'INVITE_ONLY') {
    await gateway.graphql(SetProvisioningModeDocument, { input: { mode } }, tenant.adminToken);
  }

  return tenant;
}

async function account(name: string, fields: Partial<TestAccount> = {}): Promise<TestAccount> {
  const created = {
    sub: `sub-${name}-${count}`,
    email: `${name}-${count}@corp.test`,
    email_verified: true,
    name: `Person ${name}`,
    ...fields,
  };
  await provider.addAccount(created);

  return created;
}

/** Signs in through the browser flow and returns the gateway's last response. */
async function signIn(tenant: TenantFixture, who: TestAccount, returnTo?: string) {
  const query = new URLSearchParams({ login_hint: who.sub, ...(returnTo ? { returnTo } : {}) });
  const jar = new CookieJar();

  return browse(`${gateway.url}/auth/${tenant.slug}/login?${query}`, jar, {
    rewrite: toGateway,
    stopAt: (url) => url.startsWith(FRONTEND),
  });
}

function fragmentOf(location: string | undefined): URLSearchParams {
  return new URLSearchParams(new URL(location ?? 'about:blank').hash.slice(1));
}

describe('OIDC browser sign-in', () => {
  it('signs in a known user and hands the frontend a working session in the fragment', async () => {
    const tenant = await tenantWithSso('INVITE_ONLY');
    const admin = await account('admin', { email: `admin@${tenant.slug}.test` });

    const { response, location } = await signIn(tenant, admin, `${FRONTEND}/signed-in?x=1`);

    expect(response.status).toBe(303);
    expect(location?.startsWith(`${FRONTEND}/signed-in?x=1#`)).toBe(true);
    expect(new URL(location!).searchParams.has('access_token')).toBe(false);
    const session = fragmentOf(location);
    expect(session.get('refresh_token')).toBeTruthy();
    expect(Date.parse(session.get('expires_at')!)).toBeGreaterThan(Date.now());
    const viewer = await gateway.graphql(ViewerDocument, {}, session.get('access_token')!);
    expect(viewer.data?.viewer.id).toBe(tenant.adminId);
  });

  it('shows the session on a page when returnTo is not on the allow-list', async () => {
    const tenant = await tenantWithSso('INVITE_ONLY');
    const admin = await account('admin', { email: `admin@${tenant.slug}.test` });

    const { response } = await signIn(tenant, admin, 'https://evil.example.com/steal');
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    const token = /<code id="access_token">([^<]+)<\/code>/.exec(html)?.[1];
    const viewer = await gateway.graphql(ViewerDocument, {}, token);
    expect(viewer.data?.viewer.id).toBe(tenant.adminId);
  });

  it('creates an unknown user as a JIT member in JIT mode', async () => {
    const tenant = await tenantWithSso('JIT');
    const stranger = await account('stranger');

    const { location } = await signIn(tenant, stranger, FRONTEND);

    expect(fragmentOf(location).get('access_token')).toBeTruthy();
    const user = await em().findOneOrFail(User, { tenant: tenant.tenantId, email: stranger.email });
    expect(user).toMatchObject({
      role: 'MEMBER',
      status: 'ACTIVE',
      source: UserSource.JIT,
      idpSubject: stranger.sub,
      displayName: 'Person stranger',
    });
  });

  it('refuses an unknown user in INVITE_ONLY mode with NOT_INVITED', async () => {
    const tenant = await tenantWithSso('INVITE_ONLY');

    const { location } = await signIn(tenant, await account('stranger'), FRONTEND);

    expect(fragmentOf(location).get('error')).toBe('NOT_INVITED');
    expect(fragmentOf(location).has('access_token')).toBe(false);
  });

  it('refuses an unknown user in SCIM mode with NOT_PROVISIONED, on a page', async () => {
    const tenant = await tenantWithSso('SCIM');

    const { response } = await signIn(tenant, await account('unsynced'));

    expect(response.status).toBe(403);
    expect(await response.text()).toContain('NOT_PROVISIONED');
  });

  it('accepts an invited user and keeps the invited role', async () => {
    const tenant = await tenantWithSso('INVITE_ONLY');
    const guest = await account('guest');
    await gateway.graphql(
      InviteUserDocument,
      { input: { email: guest.email, role: 'ADMIN' } },
      tenant.adminToken,
    );

    const { location } = await signIn(tenant, guest, FRONTEND);

    const viewer = await gateway.graphql(
      ViewerDocument,
      {},
      fragmentOf(location).get('access_token')!,
    );
    expect(viewer.data?.viewer).toMatchObject({
      email: guest.email,
      role: 'ADMIN',
      status: 'ACTIVE',
    });
  });

  it('refuses a deactivated user with USER_DEACTIVATED', async () => {
    const tenant = await tenantWithSso('JIT');
    const leaver = await account('leaver');
    const first = await signIn(tenant, leaver, FRONTEND);
    const token = fragmentOf(first.location).get('access_token')!;
    const viewer = await gateway.graphql(ViewerDocument, {}, token);
    await gateway.graphql(
      DeactivateUserDocument,
      { input: { userId: viewer.data!.viewer.id } },
      tenant.adminToken,
    );

    const { location } = await signIn(tenant, leaver, FRONTEND);

    expect(fragmentOf(location).get('error')).toBe('USER_DEACTIVATED');
  });

  it.each(['SCIM', 'JIT', 'INVITE_ONLY'] as const)(
    'in %s mode signs in known and invited users and refuses deactivated ones',
    async (mode) => {
      const tenant = await tenantWithSso(mode);
      const admin = await account('known', { email: `admin@${tenant.slug}.test` });
      const guest = await account('invited');
      const leaver = await account('leaving');
      await gateway.graphql(
        InviteUserDocument,
        { input: { email: guest.email } },
        tenant.adminToken,
      );
      const invitedLeaver = await gateway.graphql(
        InviteUserDocument,
        { input: { email: leaver.email } },
        tenant.adminToken,
      );
      await gateway.graphql(
        DeactivateUserDocument,
        { input: { userId: invitedLeaver.data!.inviteUser.user!.id } },
        tenant.adminToken,
      );

      const known = fragmentOf((await signIn(tenant, admin, FRONTEND)).location);
      const invited = fragmentOf((await signIn(tenant, guest, FRONTEND)).location);
      const refused = fragmentOf((await signIn(tenant, leaver, FRONTEND)).location);

      const who = async (session: URLSearchParams) =>
        (await gateway.graphql(ViewerDocument, {}, session.get('access_token')!)).data?.viewer;
      expect(await who(known)).toMatchObject({ id: tenant.adminId });
      expect(await who(invited)).toMatchObject({ email: guest.email, status: 'ACTIVE' });
      expect(refused.get('error')).toBe('USER_DEACTIVATED');
    },
  );

  it('refuses a callback whose state was tampered with, or without its state cookie', async () => {
    const tenant = await tenantWithSso('INVITE_ONLY');
    const admin = await account('admin', { email: `admin@${tenant.slug}.test` });
    const jar = new CookieJar();
    const login = `${gateway.url}/auth/${tenant.slug}/login?login_hint=${admin.sub}`;
    const atCallback = await browse(login, jar, {
      rewrite: toGateway,
      stopAt: (url) => url.startsWith(`${PUBLIC_URL}/auth/`),
    });
    const callback = new URL(toGateway(atCallback.location!));
    const tampered = new URL(callback);
    tampered.searchParams.set('state', 'forged-state');

    const forged = await fetch(tampered, { headers: { cookie: jar.header(callback.toString()) } });
    const cookieless = await fetch(callback);

    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain('INVALID_STATE');
    expect(cookieless.status).toBe(400);
    expect(await cookieless.text()).toContain('INVALID_STATE');
  });

  it('reports an error from the identity provider to the frontend', async () => {
    const tenant = await tenantWithSso('INVITE_ONLY');
    const nobody = { sub: 'nobody', email: 'n@x.test', email_verified: true, name: 'n' };

    const { location } = await signIn(tenant, nobody, FRONTEND);

    expect(fragmentOf(location).get('error')).toBe('IDP_ERROR');
  });

  it('answers a clear error for a tenant without SSO', async () => {
    const response = await fetch(`${gateway.url}/auth/no-such-tenant/login`);

    expect(response.status).toBe(404);
    expect(await response.text()).toContain('SSO_NOT_CONFIGURED');
  });
});

describe('bearer tokens minted by the same provider', () => {
  it('accepts its ID token on the API once the provider is registered', async () => {
    const tenant = await tenantWithSso('INVITE_ONLY');
    const admin = await account('admin', { email: `admin@${tenant.slug}.test` });
    await gateway.graphql(
      AddIdentityProviderDocument,
      {
        input: {
          name: 'Loopback OP',
          issuer: provider.issuer,
          jwksUri: provider.jwksUri,
          audiences: [CLIENT.clientId],
        },
      },
      tenant.adminToken,
    );
    const issuer = await Issuer.discover(provider.issuer);
    const client = new issuer.Client({
      client_id: CLIENT.clientId,
      client_secret: CLIENT.clientSecret,
      redirect_uris: [TEST_CALLBACK],
      response_types: ['code'],
    });
    const verifier = 'a-code-verifier-that-is-long-enough-for-pkce-0123456789';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const authorize = client.authorizationUrl({
      scope: 'openid email profile',
      login_hint: admin.sub,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state: 'test-state',
    });
    const { location } = await browse(authorize, new CookieJar(), {
      stopAt: (url) => url.startsWith(TEST_CALLBACK),
    });
    const tokens = await client.callback(TEST_CALLBACK, client.callbackParams(location!), {
      state: 'test-state',
      code_verifier: verifier,
    });

    const viewer = await gateway.graphql(ViewerDocument, {}, tokens.id_token!);

    expect(viewer.data?.viewer.id).toBe(tenant.adminId);
  });
});
