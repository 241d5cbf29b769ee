import { generateKeyPairSync } from 'node:crypto';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { SessionFamily } from '../src/session/session-family.entity';
import { SessionKeys } from '../src/session/session-keys';
import {
  DeactivateUserDocument,
  ReactivateUserDocument,
  RefreshSessionDocument,
  SignInDocument,
  ViewerDocument,
} from './generated/graphql';
import { type TenantFixture, TestGateway } from './helpers/gateway';
import { errorCodes, userErrorCodes } from './helpers/graphql';
import { Seeder, storedAuditEvents } from './helpers/seed';

let gateway: TestGateway;
let acme: TenantFixture;
let seed: Seeder;
let count = 0;
const PASSWORD = 'granite willow compass 8';

beforeAll(async () => {
  gateway = await TestGateway.start();
  acme = await gateway.bootstrap('acme');
  seed = new Seeder(gateway.orm.em.fork());
});

afterAll(() => gateway?.stop());

/** A new ACTIVE user with a password, signed in once. */
async function signedInUser() {
  count += 1;
  const email = `user-${count}@acme.test`;
  const user = await seed.user(acme.tenantId, email);
  await seed.password(user, gateway.runtime.passwords, PASSWORD);
  const response = await gateway.graphql(SignInDocument, {
    input: { tenantSlug: 'acme', email, password: PASSWORD },
  });

  return { user, session: response.data!.signIn.session! };
}

const refresh = async (refreshToken: string) =>
  (await gateway.graphql(RefreshSessionDocument, { input: { refreshToken } })).data!.refreshSession;

const viewerStatus = async (token: string) =>
  (await gateway.graphql(ViewerDocument, {}, token)).status;

describe('access tokens', () => {
  it('are ES256 JWTs naming the gateway, the user, the tenant and the session', async () => {
    const { user, session } = await signedInUser();
    const header = decodeProtectedHeader(session.accessToken);
    const jwks = createRemoteJWKSet(new URL(`${gateway.url}/.well-known/jwks.json`));

    const { payload } = await jwtVerify(session.accessToken, jwks, {
      issuer: 'http://gateway.test',
    });

    expect(header).toMatchObject({
      alg: 'ES256',
      typ: 'at+jwt',
      kid: gateway.runtime.sessionKeys.kid,
    });
    expect(payload).toMatchObject({ sub: user.id, tid: acme.tenantId });
    const family = await gateway.orm.em.fork().findOneOrFail(SessionFamily, payload.sid as string);
    expect(family.user.id).toBe(user.id);
    expect(payload.exp! - payload.iat!).toBe(15 * 60);
    expect(new Date(session.expiresAt).getTime()).toBe(payload.exp! * 1000);
  });

  it('publishes only public key material at /.well-known/jwks.json', async () => {
    const response = await fetch(`${gateway.url}/.well-known/jwks.json`);
    const body = (await response.json()) as { keys: Record<string, string>[] };

    expect(response.status).toBe(200);
    expect(body.keys).toHaveLength(1);
    expect(Object.keys(body.keys[0]).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
  });

  it('refuses a token signed by another key, an expired one, and a tampered one with 401', async () => {
    const { user, session } = await signedInUser();
    const sid = JSON.parse(Buffer.from(session.accessToken.split('.')[1], 'base64url').toString())
      .sid as string;
    const claims = { sub: user.id, tid: acme.tenantId, sid };
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const stranger = new SessionKeys(
      privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      'http://gateway.test',
    );
    const now = Date.now();
    const forged = await stranger.sign(claims, new Date(now), new Date(now + 60_000));
    const expired = await gateway.runtime.sessionKeys.sign(
      claims,
      new Date(now - 60_000),
      new Date(now - 1_000),
    );
    const [head, body, signature] = session.accessToken.split('.');
    const tampered = [head, body, `${signature.slice(0, -2)}AA`].join('.');

    const statuses = await Promise.all([forged, expired, tampered].map(viewerStatus));

    expect(statuses).toEqual([401, 401, 401]);
    const refused = await gateway.graphql(ViewerDocument, {}, forged);
    expect(errorCodes(refused)).toEqual(['UNAUTHENTICATED']);
    expect(await viewerStatus(session.accessToken)).toBe(200);
  });

  it('stop working at once when the user is deactivated, and stay refused after reactivation', async () => {
    const { user, session } = await signedInUser();
    expect(await viewerStatus(session.accessToken)).toBe(200);

    await gateway.graphql(DeactivateUserDocument, { input: { userId: user.id } }, acme.adminToken);
    expect(await viewerStatus(session.accessToken)).toBe(401);

    await gateway.graphql(ReactivateUserDocument, { input: { userId: user.id } }, acme.adminToken);
    expect(await viewerStatus(session.accessToken)).toBe(401);
    expect(userErrorCodes(await refresh(session.refreshToken))).toEqual(['INVALID_TOKEN']);
  });
});

describe('refreshSession', () => {
  it('rotates: a new pair each time, and both access tokens work', async () => {
    const { session } = await signedInUser();

    const first = await refresh(session.refreshToken);
    const second = await refresh(first.session!.refreshToken);

    expect(first.userErrors).toEqual([]);
    expect(second.userErrors).toEqual([]);
    expect(
      new Set([session.refreshToken, first.session!.refreshToken, second.session!.refreshToken])
        .size,
    ).toBe(3);
    expect(await viewerStatus(second.session!.accessToken)).toBe(200);
  });

  it('treats a reused refresh token as theft and ends the whole family', async () => {
    const { user, session } = await signedInUser();
    const rotated = (await refresh(session.refreshToken)).session!;

    const replay = await refresh(session.refreshToken);

    expect(userErrorCodes(replay)).toEqual(['INVALID_TOKEN']);
    expect(userErrorCodes(await refresh(rotated.refreshToken))).toEqual(['INVALID_TOKEN']);
    expect(await viewerStatus(rotated.accessToken)).toBe(401);
    const events = await storedAuditEvents(gateway.orm.em.fork(), acme.tenantId);
    const revoked = events.filter((event) => event.action === 'session.revoked');
    expect(revoked.at(-1)).toMatchObject({
      actorType: 'SYSTEM',
      metadata: { reason: 'reuse_detected' },
    });
    expect(revoked.at(-1)!.targets).toContainEqual({
      type: 'user',
      id: user.id,
      display: user.email,
    });
  });

  it('lets exactly one of two concurrent refreshes with one token through, then ends the family', async () => {
    const { session } = await signedInUser();

    const results = await Promise.all([
      refresh(session.refreshToken),
      refresh(session.refreshToken),
    ]);

    const codes = results.map((payload) => userErrorCodes(payload)!.join()).sort();
    expect(codes).toEqual(['', 'INVALID_TOKEN']);
    const winner = results.find((payload) => payload.session)!.session!;
    expect(await viewerStatus(winner.accessToken)).toBe(401);
  });

  it('answers an unknown, malformed or expired-session token with INVALID_TOKEN', async () => {
    const { session } = await signedInUser();
    const sid = JSON.parse(Buffer.from(session.accessToken.split('.')[1], 'base64url').toString())
      .sid as string;
    await gateway.orm.em
      .fork()
      .nativeUpdate(SessionFamily, { id: sid }, { expiresAt: new Date(Date.now() - 1_000) });

    const answers = await Promise.all(
      [session.refreshToken, `${session.refreshToken.slice(0, -4)}AAAA`, 'nonsense'].map(refresh),
    );

    expect(answers.map(userErrorCodes)).toEqual([
      ['INVALID_TOKEN'],
      ['INVALID_TOKEN'],
      ['INVALID_TOKEN'],
    ]);
    expect(await viewerStatus(session.accessToken)).toBe(401);
  });
});

describe('the GraphQL endpoint without a token', () => {
  it('serves public fields and refuses private ones with 401', async () => {
    const publicField = await gateway.graphql('{ invitation(token: "x") { email } }');
    const privateField = await gateway.graphql(ViewerDocument);

    expect(publicField).toMatchObject({ status: 200, data: { invitation: null } });
    expect(publicField.errors).toBeUndefined();
    expect(privateField.status).toBe(401);
  });
});
