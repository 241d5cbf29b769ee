import { randomUUID } from 'node:crypto';
import type { TenantFixture } from '../helpers/gateway';
import { TestGateway } from '../helpers/gateway';
import {
  CORE_GROUP,
  CORE_USER,
  ERROR_URN,
  expectScimError,
  graphTeam,
  graphUser,
  LIST_URN,
  memberIdsOf,
  patchOp,
  ScimClient,
} from '../helpers/scim';

// Okta sends its bodies as application/json, and pages every lookup with startIndex and count.
let gateway: TestGateway;
let tenant: TenantFixture;
let okta: ScimClient;

beforeAll(async () => {
  gateway = await TestGateway.start();
  tenant = await gateway.bootstrap('okta-org');
  okta = (await ScimClient.forTenant(gateway, tenant)).withContentType('application/json');
});

afterAll(() => gateway?.stop());

const byUserName = (userName: string) =>
  okta.find('/Users', `userName eq "${userName}"`, { startIndex: '1', count: '100' });

/** The user Okta's own conformance run invents: random names, a work email, a password. */
function oktaUser(userName: string) {
  return {
    schemas: [CORE_USER],
    userName,
    name: { givenName: 'Rand', familyName: `Om${userName.slice(0, 6)}` },
    emails: [{ primary: true, value: userName, type: 'work' }],
    displayName: 'Rand Om',
    active: true,
    password: 'not-Stored-1!',
    groups: [],
  };
}

describe("Okta's SCIM 2.0 conformance run", () => {
  // One test: the run is a sequence, each request relying on what the previous one created.
  it('answers every request of the run as Okta expects', async () => {
    const userName = `${randomUUID().slice(0, 8)}@okta-spec.test`;

    // Okta first checks that listing works, one user per page.
    const first = await okta.get('/Users?count=1&startIndex=1');
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(first.body).toMatchObject({ schemas: [LIST_URN], startIndex: 1, itemsPerPage: 1 });
    expect(Number.isInteger(first.body.totalResults)).toBe(true);
    expect(first.body.totalResults).toBeGreaterThanOrEqual(1);
    expect(first.body.Resources).toEqual([
      expect.objectContaining({ id: expect.any(String), userName: expect.any(String) }),
    ]);

    // A random userName must find nothing.
    const none = await byUserName(`${randomUUID()}@okta-spec.test`);
    expect(none.status).toBe(200);
    expect(none.body).toMatchObject({ schemas: [LIST_URN], totalResults: 0, startIndex: 1 });
    expect(none.body.Resources ?? []).toEqual([]);

    // Creation answers 201 with the resource, never the password.
    const created = await okta.post('/Users', oktaUser(userName));
    const id = created.body.id;
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      schemas: expect.arrayContaining([CORE_USER]),
      id: expect.any(String),
      userName,
      active: true,
      name: { givenName: 'Rand' },
      emails: [{ primary: true, value: userName, type: 'work' }],
      meta: { resourceType: 'User' },
    });
    expect(created.body).not.toHaveProperty('password');
    expect(created.headers.get('location')).toBe(created.body.meta.location);

    const read = await okta.get(`/Users/${id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id, userName, active: true });

    const found = await byUserName(userName);
    expect(found.status).toBe(200);
    expect(found.body.totalResults).toBe(1);
    expect(found.body.Resources[0]).toMatchObject({ id, userName });

    const foundUpper = await byUserName(userName.toUpperCase());
    expect(foundUpper.status).toBe(200);
    expect(foundUpper.body.totalResults).toBe(1);
    expect(foundUpper.body.Resources[0].id).toBe(id);

    expectScimError(await okta.post('/Users', oktaUser(userName)), 409, 'uniqueness');

    const unknown = randomUUID();
    const missing = await okta.get(`/Users/${unknown}`);
    expectScimError(missing, 404);
    expect(missing.body.detail).toContain(unknown);

    const deactivated = await okta.patch(
      `/Users/${id}`,
      patchOp({ op: 'replace', value: { active: false } }),
    );
    expect(deactivated.status).toBe(200);
    expect(deactivated.body).toMatchObject({ id, userName, active: false });

    // A deactivated user stays visible, by id and by userName.
    const readAgain = await okta.get(`/Users/${id}`);
    expect([readAgain.status, readAgain.body.active]).toEqual([200, false]);
    const foundAgain = await byUserName(userName);
    expect(foundAgain.body.Resources).toEqual([expect.objectContaining({ id, active: false })]);

    const unauthorised = await okta.withToken('scim_invalid').get('/Users?count=1&startIndex=1');
    expect(unauthorised.status).toBe(401);
    expect(unauthorised.body).toMatchObject({ schemas: [ERROR_URN], status: '401' });
  });
});

describe("Okta's user lifecycle", () => {
  it('creates a user Okta looked up and did not find', async () => {
    const userName = 'kim.lee@okta-life.test';

    expect((await byUserName(userName)).body.totalResults).toBe(0);
    const created = await okta.post('/Users', oktaUser(userName));

    expect(created.status).toBe(201);
    expect(await graphUser(gateway, tenant, created.body.id)).toMatchObject({
      email: userName,
      status: 'ACTIVE',
      source: 'SCIM',
    });
  });

  it('updates the profile with a PUT of the whole user', async () => {
    const created = await okta.post('/Users', oktaUser('pat.ng@okta-life.test'));
    const id = created.body.id;
    const response = await okta.put(`/Users/${id}`, {
      ...created.body,
      name: { givenName: 'Patricia', familyName: 'Ng' },
      emails: [{ primary: true, value: 'patricia.ng@okta-life.test', type: 'work' }],
      title: 'Engineer',
    });

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      id,
      userName: 'pat.ng@okta-life.test',
      name: { givenName: 'Patricia', familyName: 'Ng' },
      title: 'Engineer',
      active: true,
    });
    expect((await graphUser(gateway, tenant, id))?.email).toBe('patricia.ng@okta-life.test');
  });

  it('accepts a synced password change without storing the password', async () => {
    const { body } = await okta.post('/Users', oktaUser('lee.poe@okta-life.test'));

    const response = await okta.patch(
      `/Users/${body.id}`,
      patchOp({ op: 'replace', value: { password: 'Synced-Secret-9' } }),
    );
    const [row] = await gateway.orm.em
      .fork()
      .getConnection()
      .execute('select scim::text as scim from "app_user" where id = ?', [body.id]);

    expect(response.status).toBe(200);
    expect(response.body).not.toHaveProperty('password');
    expect(row.scim).not.toContain('Synced-Secret-9');
  });

  it('deactivates and then reactivates with path-less replaces of active', async () => {
    const { body } = await okta.post('/Users', oktaUser('sam.roe@okta-life.test'));
    const deactivate = patchOp({ op: 'replace', value: { active: false } });
    const reactivate = patchOp({ op: 'replace', value: { active: true } });

    const off = await okta.patch(`/Users/${body.id}`, deactivate);
    const whileOff = await graphUser(gateway, tenant, body.id);
    const on = await okta.patch(`/Users/${body.id}`, reactivate);

    expect([off.status, off.body.active]).toEqual([200, false]);
    expect(whileOff?.status).toBe('DEACTIVATED');
    expect([on.status, on.body.active]).toEqual([200, true]);
    expect(await graphUser(gateway, tenant, body.id)).toMatchObject({
      status: 'ACTIVE',
      deactivatedAt: null,
    });
  });
});

describe("Okta's group push", () => {
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    alice = (await okta.post('/Users', oktaUser('alice@okta-push.test'))).body.id;
    bob = (await okta.post('/Users', oktaUser('bob@okta-push.test'))).body.id;
  });

  const byDisplayName = (name: string) =>
    okta.find('/Groups', `displayName eq "${name}"`, { startIndex: '1', count: '100' });

  it('pushes a group through its whole life', async () => {
    expect((await byDisplayName('okta-eng')).body.totalResults).toBe(0);

    const created = await okta.post('/Groups', {
      schemas: [CORE_GROUP],
      displayName: 'okta-eng',
      members: [],
    });
    const id = created.body.id;
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ schemas: [CORE_GROUP], displayName: 'okta-eng' });
    expect((await byDisplayName('okta-eng')).body.Resources).toEqual([
      expect.objectContaining({ id }),
    ]);

    const added = await okta.patch(
      `/Groups/${id}`,
      patchOp({
        op: 'add',
        path: 'members',
        value: [
          { value: alice, display: 'alice@okta-push.test' },
          { value: bob, display: 'bob@okta-push.test' },
        ],
      }),
    );
    expect([added.status, added.body]).toEqual([204, undefined]);
    expect(memberIdsOf(await graphTeam(gateway, tenant, id))).toEqual([alice, bob].sort());

    const removed = await okta.patch(
      `/Groups/${id}`,
      patchOp({ op: 'remove', path: `members[value eq "${alice}"]` }),
    );
    expect(removed.status).toBe(204);
    expect(memberIdsOf(await graphTeam(gateway, tenant, id))).toEqual([bob]);

    const renamed = await okta.patch(
      `/Groups/${id}`,
      patchOp({ op: 'replace', value: { id, displayName: 'okta-platform' } }),
    );
    expect(renamed.status).toBe(204);
    const read = await okta.get(`/Groups/${id}`);
    expect(read.body).toMatchObject({
      id,
      displayName: 'okta-platform',
      members: [expect.objectContaining({ value: bob })],
    });
    expect(await graphTeam(gateway, tenant, id)).toMatchObject({
      name: 'okta-platform',
      source: 'SCIM',
    });

    const deleted = await okta.delete(`/Groups/${id}`);
    expect([deleted.status, deleted.body]).toEqual([204, undefined]);
    expectScimError(await okta.get(`/Groups/${id}`), 404);
    expect(await graphTeam(gateway, tenant, id)).toBeNull();
  });

  it('replaces the member list with a PUT of the whole group', async () => {
    const created = await okta.post('/Groups', {
      schemas: [CORE_GROUP],
      displayName: 'okta-put',
      members: [{ value: alice }],
    });
    const response = await okta.put(`/Groups/${created.body.id}`, {
      schemas: [CORE_GROUP],
      id: created.body.id,
      displayName: 'okta-put',
      members: [{ value: bob }],
    });

    expect(response.status).toBe(200);
    expect(response.body.members).toEqual([expect.objectContaining({ value: bob })]);
    expect(memberIdsOf(await graphTeam(gateway, tenant, created.body.id))).toEqual([bob]);
  });
});
