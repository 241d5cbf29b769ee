import { AccessToken } from '../src/auth/access-token.entity';
import { User, UserStatus } from '../src/user/user.entity';
import {
  AccessTokensDocument,
  CreateAccessTokenDocument,
  ResourcesDocument,
  RevokeAccessTokenDocument,
  ViewerDocument,
} from './generated/graphql';
import { type TenantFixture, TestGateway } from './helpers/gateway';
import { secretPart } from './helpers/secret-part';
import { Seeder } from './helpers/seed';

let gateway: TestGateway;
let acme: TenantFixture;
let seed: Seeder;

beforeAll(async () => {
  gateway = await TestGateway.start();
  acme = await gateway.bootstrap('acme');
  seed = new Seeder(gateway.orm.em.fork());
});

afterAll(() => gateway?.stop());

const codes = (response: { errors?: { extensions?: Record<string, unknown> }[] }) =>
  response.errors?.map((error) => error.extensions?.code);

describe('authentication', () => {
  it('answers a request without a token with 401 UNAUTHENTICATED', async () => {
    const response = await gateway.graphql(ViewerDocument);

    expect(response.status).toBe(401);
    expect(codes(response)).toEqual(['UNAUTHENTICATED']);
  });

  it('answers an unknown token with 401 UNAUTHENTICATED', async () => {
    const forged = acme.adminToken.slice(0, -4) + 'AAAA';
    const response = await gateway.graphql(ViewerDocument, {}, forged);

    expect(response.status).toBe(401);
    expect(codes(response)).toEqual(['UNAUTHENTICATED']);
  });

  it('answers a malformed Authorization header with 401 UNAUTHENTICATED', async () => {
    const response = await gateway.graphql(ViewerDocument, {}, undefined, {
      authorization: `Basic ${acme.adminToken}`,
    });

    expect(response.status).toBe(401);
    expect(codes(response)).toEqual(['UNAUTHENTICATED']);
  });

  it('accepts a valid token and resolves the caller', async () => {
    const response = await gateway.graphql(ViewerDocument, {}, acme.adminToken);

    expect(response.status).toBe(200);
    expect(response.data?.viewer).toMatchObject({
      id: acme.adminId,
      email: 'admin@acme.test',
      role: 'ADMIN',
      status: 'ACTIVE',
    });
  });

  it('refuses an expired token', async () => {
    const user = await seed.user(acme.tenantId, 'expiring@acme.test');
    const token = await seed.token(user, new Date(Date.now() + 1_000));
    expect((await gateway.graphql(ViewerDocument, {}, token)).status).toBe(200);

    await gateway.orm.em
      .fork()
      .nativeUpdate(AccessToken, { user: user.id }, { expiresAt: new Date(Date.now() - 1_000) });
    const response = await gateway.graphql(ViewerDocument, {}, token);

    expect(response.status).toBe(401);
    expect(codes(response)).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses the token of a user who is not ACTIVE', async () => {
    const user = await seed.user(acme.tenantId, 'leaving@acme.test');
    const token = await seed.token(user);
    await gateway.orm.em
      .fork()
      .nativeUpdate(User, { id: user.id }, { status: UserStatus.DEACTIVATED });

    const response = await gateway.graphql(ViewerDocument, {}, token);

    expect(response.status).toBe(401);
  });

  it('never stores a token in clear', async () => {
    const rows = await gateway.orm.em.fork().getConnection().execute('select * from access_token');
    const stored = JSON.stringify(rows);

    expect(stored).not.toContain(acme.adminToken);
    expect(stored).not.toContain(secretPart(acme.adminToken));
  });
});

describe('roles', () => {
  it('lets a MEMBER read the directory and the resources shared with them', async () => {
    const member = await seed.user(acme.tenantId, 'member@acme.test');
    const token = await seed.token(member);

    const viewer = await gateway.graphql(ViewerDocument, {}, token);
    const resources = await gateway.graphql(ResourcesDocument, {}, token);

    expect(viewer.data?.viewer.role).toBe('MEMBER');
    expect(resources.errors).toBeUndefined();
    expect(resources.data?.resources.totalCount).toBe(0);
  });

  it('lets an ADMIN read resources', async () => {
    const response = await gateway.graphql(ResourcesDocument, {}, acme.adminToken);

    expect(response.errors).toBeUndefined();
    expect(response.data?.resources.totalCount).toBe(0);
  });
});

describe('personal access tokens', () => {
  it('shows a new token once, and the token authenticates', async () => {
    const created = await gateway.graphql(
      CreateAccessTokenDocument,
      { input: { name: 'ci pipeline' } },
      acme.adminToken,
    );
    const payload = created.data!.createAccessToken;
    expect(payload.userErrors).toEqual([]);
    expect(payload.token).toMatch(/^igw_pat_/);
    expect(payload.token!.startsWith(payload.accessToken!.prefix.slice(0, 8))).toBe(true);

    const viewer = await gateway.graphql(ViewerDocument, {}, payload.token!);
    expect(viewer.data?.viewer.id).toBe(acme.adminId);

    const listed = await gateway.graphql(AccessTokensDocument, {}, acme.adminToken);
    expect(JSON.stringify(listed.data)).not.toContain(payload.token!);
    expect(listed.data?.accessTokens.map((token) => token.name)).toContain('ci pipeline');
  });

  it('refuses a token on its very next request once it is revoked', async () => {
    const created = await gateway.graphql(
      CreateAccessTokenDocument,
      { input: { name: 'short lived' } },
      acme.adminToken,
    );
    const { token, accessToken } = created.data!.createAccessToken;

    const revoked = await gateway.graphql(
      RevokeAccessTokenDocument,
      { input: { id: accessToken!.id } },
      acme.adminToken,
    );
    expect(revoked.data?.revokeAccessToken.userErrors).toEqual([]);
    expect(revoked.data?.revokeAccessToken.accessToken?.revokedAt).toBeTruthy();

    const response = await gateway.graphql(ViewerDocument, {}, token!);
    expect(response.status).toBe(401);
  });

  it("reports NOT_FOUND when revoking someone else's token", async () => {
    const other = await seed.user(acme.tenantId, 'other@acme.test');
    await seed.token(other);
    const [othersToken] = await gateway.orm.em.fork().find(AccessToken, { user: other.id });

    const response = await gateway.graphql(
      RevokeAccessTokenDocument,
      { input: { id: othersToken.id } },
      acme.adminToken,
    );

    expect(response.data?.revokeAccessToken.userErrors).toEqual([
      expect.objectContaining({ code: 'NOT_FOUND', field: ['id'] }),
    ]);
    const reloaded = await gateway.orm.em.fork().findOneOrFail(AccessToken, othersToken.id);
    expect(reloaded.revokedAt).toBeNull();
  });

  it('rejects an empty name and a past expiry as BAD_USER_INPUT', async () => {
    const empty = await gateway.graphql(
      CreateAccessTokenDocument,
      { input: { name: '  ' } },
      acme.adminToken,
    );
    const past = await gateway.graphql(
      CreateAccessTokenDocument,
      { input: { name: 'x', expiresAt: '2020-01-01T00:00:00Z' } },
      acme.adminToken,
    );

    expect(codes(empty)).toEqual(['BAD_USER_INPUT']);
    expect(empty.errors?.[0].extensions?.field).toEqual(['name']);
    expect(codes(past)).toEqual(['BAD_USER_INPUT']);
    expect(past.errors?.[0].message).toMatch(/expiresAt must be in the future/);
  });
});
