import { randomUUID } from 'node:crypto';
import { User } from '../../src/user/user.entity';
import { InviteUserDocument, ViewerDocument } from '../generated/graphql';
import type { TenantFixture } from '../helpers/gateway';
import { TestGateway } from '../helpers/gateway';
import {
  auditEventsFor,
  CORE_GROUP,
  CORE_USER,
  captureSql,
  ENTERPRISE_USER,
  expectScimError,
  graphUser,
  PATCH_URN,
  patchOp,
  ScimClient,
  scimUser,
} from '../helpers/scim';
import { Seeder } from '../helpers/seed';

let gateway: TestGateway;
let tenant: TenantFixture;
let scim: ScimClient;

beforeAll(async () => {
  gateway = await TestGateway.start();
  tenant = await gateway.bootstrap('people');
  scim = await ScimClient.forTenant(gateway, tenant);
});

afterAll(() => gateway?.stop());

let sequence = 0;
/** A fresh userName for each test, so tests share the tenant without depending on each other. */
const fresh = (label: string) => `${label}.${++sequence}@people.test`;

async function create(userName = fresh('user'), extra: Record<string, unknown> = {}) {
  const response = await scim.post('/Users', scimUser(userName, extra));
  expect(response.status).toBe(201);

  return response.body as { id: string; userName: string; meta: { version: string } };
}

async function invite(email: string, role: 'ADMIN' | 'MEMBER' = 'MEMBER') {
  const result = await gateway.graphql(
    InviteUserDocument,
    { input: { email, role } },
    tenant.adminToken,
  );

  return result.data!.inviteUser.user!.id;
}

async function personalToken(userId: string): Promise<string> {
  const em = gateway.orm.em.fork();

  return new Seeder(em).token(await em.findOneOrFail(User, { id: userId }));
}

const viewerStatus = async (token: string) =>
  (await gateway.graphql(ViewerDocument, {}, token)).status;

describe('which users are SCIM resources', () => {
  it('gives a user the same id in SCIM as in GraphQL', async () => {
    const created = await create();

    expect((await graphUser(gateway, tenant, created.id))?.id).toBe(created.id);
  });

  it('serves a user created before SCIM, with their email as userName', async () => {
    const response = await scim.get(`/Users/${tenant.adminId}`);

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      id: tenant.adminId,
      userName: 'admin@people.test',
      active: true,
      emails: [{ value: 'admin@people.test', primary: true }],
    });
  });

  it('finds a user created before SCIM by their email as userName', async () => {
    const response = await scim.find('/Users', 'userName eq "ADMIN@people.test"');

    expect(response.body.Resources).toEqual([expect.objectContaining({ id: tenant.adminId })]);
  });

  it('serves an invited user who has not accepted yet', async () => {
    const id = await invite('pending@people.test');

    const byId = await scim.get(`/Users/${id}`);
    const byName = await scim.find('/Users', 'userName eq "pending@people.test"');

    expect(byId.status).toBe(200);
    expect(byId.body).toMatchObject({ id, userName: 'pending@people.test' });
    expect(byName.body.Resources).toEqual([expect.objectContaining({ id })]);
  });
});

describe('POST /Users', () => {
  it('adopts the invited user with that email, keeping their role', async () => {
    const id = await invite('adopted@people.test', 'ADMIN');

    const response = await scim.post(
      '/Users',
      scimUser('Adopted@People.test', { externalId: 'idp-adopted' }),
    );

    expect(response.status).toBe(201);
    expect(response.body.id).toBe(id);
    expect(await graphUser(gateway, tenant, id)).toMatchObject({
      status: 'ACTIVE',
      role: 'ADMIN',
      source: 'SCIM',
      externalId: 'idp-adopted',
    });
    const [invitation] = await gateway.orm.em
      .fork()
      .getConnection()
      .execute('select stored_status from "invitation" where user_id = ?', [id]);
    expect(invitation.stored_status).toBe('ACCEPTED');
    const [{ count }] = await gateway.orm.em
      .fork()
      .getConnection()
      .execute('select count(*)::int as count from "app_user" where email = ?', [
        'adopted@people.test',
      ]);
    expect(count).toBe(1);
    expect(await auditEventsFor(gateway, tenant, id)).toContainEqual(
      expect.objectContaining({
        action: 'user.invitation_adopted',
        actor: expect.objectContaining({ type: 'SCIM' }),
      }),
    );
  });

  it('refuses the email of an existing active user with 409 uniqueness', async () => {
    const response = await scim.post(
      '/Users',
      scimUser('someone-else', {
        emails: [{ value: 'ADMIN@people.test', primary: true }],
      }),
    );

    expectScimError(response, 409, 'uniqueness');
    expect(response.body.detail).toContain('admin@people.test');
  });

  it("refuses another user's userName in any case with 409 uniqueness", async () => {
    const taken = await create(fresh('Taken'));

    const response = await scim.post(
      '/Users',
      scimUser(taken.userName.toUpperCase(), {
        emails: [{ value: fresh('other'), primary: true }],
      }),
    );

    expectScimError(response, 409, 'uniqueness');
  });

  it.each([
    ['missing', {}],
    ['empty', { userName: '' }],
    ['not a string', { userName: 42 }],
  ])('refuses a %s userName with 400 invalidValue', async (_case, body) => {
    const response = await scim.post('/Users', {
      schemas: [CORE_USER],
      emails: [{ value: fresh('nameless'), primary: true }],
      ...body,
    });

    expectScimError(response, 400, 'invalidValue');
    expect(response.body.detail).toContain('userName');
  });

  it('takes the primary email before any other', async () => {
    const created = await create('primary-picker', {
      emails: [
        { value: 'work.first@people.test', type: 'work' },
        { value: 'Primary@People.test', type: 'home', primary: true },
      ],
    });

    expect((await graphUser(gateway, tenant, created.id))?.email).toBe('primary@people.test');
  });

  it('takes the work email when none is primary', async () => {
    const created = await create('work-picker', {
      emails: [
        { value: 'home.1@people.test', type: 'home' },
        { value: 'work.1@people.test', type: 'work' },
      ],
    });

    expect((await graphUser(gateway, tenant, created.id))?.email).toBe('work.1@people.test');
  });

  it('takes the first email when none is primary or work', async () => {
    const created = await create('first-picker', {
      emails: [
        { value: 'first.1@people.test', type: 'home' },
        { value: 'second.1@people.test', type: 'other' },
      ],
    });

    expect((await graphUser(gateway, tenant, created.id))?.email).toBe('first.1@people.test');
  });

  it('takes the userName as email when it is one and no emails are sent', async () => {
    const created = await create('Only.Name@People.test');

    expect((await graphUser(gateway, tenant, created.id))?.email).toBe('only.name@people.test');
  });

  it('refuses a user with no email at all with 400 invalidValue naming it', async () => {
    const response = await scim.post('/Users', scimUser('no-email-anywhere'));

    expectScimError(response, 400, 'invalidValue');
    expect(response.body.detail).toMatch(/email/);
    expect(response.body.detail).toContain('no-email-anywhere');
  });

  it('reads a userName with spaces around it as the trimmed userName and email', async () => {
    const response = await scim.post('/Users', scimUser('  Spaced@People.test '));

    expect(response.status).toBe(201);
    expect(response.body.userName).toBe('Spaced@People.test');
    expect((await graphUser(gateway, tenant, response.body.id))?.email).toBe('spaced@people.test');
  });

  it.each([
    ['displayName', 200, { displayName: 'd'.repeat(201) }],
    ['externalId', 255, { externalId: 'e'.repeat(256) }],
    ['email', 320, { emails: [{ value: `${'m'.repeat(310)}@people.test`, primary: true }] }],
  ])('refuses a %s longer than %i characters with 400 invalidValue', async (field, max, extra) => {
    const response = await scim.post('/Users', scimUser(fresh('long'), extra));

    expectScimError(response, 400, 'invalidValue');
    expect(response.body.detail).toContain(`${field} must be at most ${max} characters`);
  });

  it('counts length in characters, so 200 emoji make a valid displayName', async () => {
    const created = await create(fresh('emoji'), { displayName: '😀'.repeat(200) });

    expect((await graphUser(gateway, tenant, created.id))?.displayName).toHaveLength(400);
  });

  it('stores every attribute and returns it as sent', async () => {
    const manager = await create();
    const sent = {
      schemas: [CORE_USER, ENTERPRISE_USER],
      userName: fresh('complete'),
      externalId: 'ext-Complete-1',
      name: {
        formatted: 'Ms. Barbara J Jensen, III',
        familyName: 'Jensen',
        givenName: 'Barbara',
        middleName: 'Jane',
        honorificPrefix: 'Ms.',
        honorificSuffix: 'III',
      },
      displayName: 'Babs Jensen',
      nickName: 'Babs',
      title: 'Tour Guide',
      userType: 'Employee',
      preferredLanguage: 'en-US',
      locale: 'en-US',
      timezone: 'America/Los_Angeles',
      active: true,
      emails: [
        { value: 'bjensen@people.test', type: 'work', primary: true },
        { value: 'babs@jensen.test', type: 'home' },
      ],
      phoneNumbers: [
        { value: '555-555-5555', type: 'work' },
        { value: '555-555-4444', type: 'mobile' },
      ],
      addresses: [
        {
          type: 'work',
          streetAddress: '100 Universal City Plaza',
          locality: 'Hollywood',
          region: 'CA',
          postalCode: '91608',
          country: 'USA',
          formatted: '100 Universal City Plaza\nHollywood, CA 91608 USA',
          primary: true,
        },
      ],
      [ENTERPRISE_USER]: {
        employeeNumber: '701984',
        costCenter: '4130',
        organization: 'Universal Studios',
        division: 'Theme Park',
        department: 'Tour Operations',
        manager: { value: manager.id, displayName: 'The Boss' },
      },
    };

    const created = await scim.post('/Users', sent);
    const read = await scim.get(`/Users/${created.body.id}`);

    expect(created.status).toBe(201);
    expect(created.body).toMatchObject(sent);
    expect(read.body).toMatchObject(sent);
  });

  it('never stores or returns a password', async () => {
    const created = await create(fresh('secretive'), { password: 'Hunter2-Hunter2' });
    const [row] = await gateway.orm.em
      .fork()
      .getConnection()
      .execute('select scim::text as scim from "app_user" where id = ?', [created.id]);

    expect(created).not.toHaveProperty('password');
    expect(row.scim).not.toContain('Hunter2');
  });

  it('marks users it creates as coming from SCIM', async () => {
    const created = await create();

    expect((await graphUser(gateway, tenant, created.id))?.source).toBe('SCIM');
  });

  it('records the creation in the audit log with a SCIM actor', async () => {
    const created = await create();

    expect(await auditEventsFor(gateway, tenant, created.id)).toEqual([
      expect.objectContaining({
        action: 'user.provisioned',
        actor: expect.objectContaining({ type: 'SCIM' }),
      }),
    ]);
  });
});

describe('PUT /Users/{id}', () => {
  it('replaces the user: attributes left out are gone', async () => {
    const created = await create(fresh('put'), { title: 'Chef', nickName: 'Cookie' });

    const response = await scim.put(
      `/Users/${created.id}`,
      scimUser(created.userName, {
        title: 'Head Chef',
      }),
    );

    expect(response.status).toBe(200);
    expect(response.body.title).toBe('Head Chef');
    expect(response.body).not.toHaveProperty('nickName');
    expect((await scim.get(`/Users/${created.id}`)).body).not.toHaveProperty('nickName');
  });

  it('ignores read-only attributes such as meta and groups', async () => {
    const created = await create();

    const response = await scim.put(`/Users/${created.id}`, {
      ...scimUser(created.userName),
      id: created.id,
      meta: { resourceType: 'Group', created: '1999-01-01T00:00:00Z', version: 'W/"99"' },
      groups: [{ value: randomUUID(), display: 'made-up' }],
    });

    expect(response.status).toBe(200);
    expect(response.body.meta.resourceType).toBe('User');
    expect(response.body.meta.created).not.toBe('1999-01-01T00:00:00Z');
    expect(response.body.meta.version).toBe('W/"2"');
    expect(response.body.groups ?? []).toEqual([]);
  });

  it('refuses a body whose id differs with 400 mutability', async () => {
    const created = await create();

    const response = await scim.put(`/Users/${created.id}`, {
      ...scimUser(created.userName),
      id: randomUUID(),
    });

    expectScimError(response, 400, 'mutability');
    expect(response.body.detail).toContain('id');
  });

  it('takes over a user created before SCIM, marking them as coming from SCIM', async () => {
    const id = (await new Seeder(gateway.orm.em.fork()).user(tenant.tenantId, 'old@people.test'))
      .id;

    const response = await scim.put(
      `/Users/${id}`,
      scimUser('old@people.test', {
        externalId: 'idp-old',
      }),
    );

    expect(response.status).toBe(200);
    expect(await graphUser(gateway, tenant, id)).toMatchObject({
      source: 'SCIM',
      externalId: 'idp-old',
    });
  });

  it('answers 404 for an unknown user', async () => {
    expectScimError(await scim.put(`/Users/${randomUUID()}`, scimUser(fresh('ghost'))), 404);
  });
});

describe('deactivation and reactivation', () => {
  it("deactivates like GraphQL does, so the user's tokens stop working", async () => {
    const created = await create();
    const token = await personalToken(created.id);
    expect(await viewerStatus(token)).toBe(200);

    const response = await scim.patch(
      `/Users/${created.id}`,
      patchOp({ op: 'replace', path: 'active', value: false }),
    );

    expect([response.status, response.body.active]).toEqual([200, false]);
    expect(await viewerStatus(token)).toBe(401);
    expect(await graphUser(gateway, tenant, created.id)).toMatchObject({
      status: 'DEACTIVATED',
      deactivatedAt: expect.any(String),
    });
    const events = await auditEventsFor(gateway, tenant, created.id);
    expect(events).toContainEqual(
      expect.objectContaining({
        action: 'user.deactivated',
        actor: expect.objectContaining({ type: 'SCIM' }),
        metadata: expect.objectContaining({ tokensRevoked: 1 }),
      }),
    );
  });

  it('deactivates on a PUT with active false', async () => {
    const created = await create();

    const response = await scim.put(`/Users/${created.id}`, {
      ...scimUser(created.userName),
      active: false,
    });

    expect([response.status, response.body.active]).toEqual([200, false]);
    expect((await graphUser(gateway, tenant, created.id))?.status).toBe('DEACTIVATED');
  });

  it('reactivates with active true, while revoked tokens stay revoked', async () => {
    const created = await create();
    const token = await personalToken(created.id);
    const path = `/Users/${created.id}`;
    await scim.patch(path, patchOp({ op: 'replace', path: 'active', value: false }));

    const response = await scim.patch(
      path,
      patchOp({ op: 'replace', path: 'active', value: true }),
    );

    expect([response.status, response.body.active]).toEqual([200, true]);
    expect(await graphUser(gateway, tenant, created.id)).toMatchObject({
      status: 'ACTIVE',
      deactivatedAt: null,
    });
    expect(await viewerStatus(token)).toBe(401);
    expect(await auditEventsFor(gateway, tenant, created.id)).toContainEqual(
      expect.objectContaining({ action: 'user.reactivated' }),
    );
  });

  it('still returns a deactivated user by id and by filter', async () => {
    const created = await create(fresh('dormant'), { active: false });

    const byId = await scim.get(`/Users/${created.id}`);
    const byFilter = await scim.find(
      '/Users',
      `userName eq "${created.userName}" and active eq false`,
    );

    expect([byId.status, byId.body.active]).toEqual([200, false]);
    expect(byFilter.body.Resources).toEqual([expect.objectContaining({ id: created.id })]);
  });
});

describe('DELETE /Users/{id}', () => {
  it('removes the user from teams and resources, then deletes them', async () => {
    const created = await create();
    const group = await scim.post('/Groups', {
      schemas: [CORE_GROUP],
      displayName: 'leavers',
      members: [{ value: created.id }],
    });
    const em = gateway.orm.em.fork();
    const user = await em.findOneOrFail(User, { id: created.id });
    const resource = await new Seeder(em).resource(tenant.tenantId, 'Handbook', user);

    const response = await scim.delete(`/Users/${created.id}`);

    expect([response.status, response.body]).toEqual([204, undefined]);
    const connection = gateway.orm.em.fork().getConnection();
    const left = await connection.execute(
      `select (select count(*)::int from "team_membership" where user_id = ?) as teams,
              (select count(*)::int from "resource_collaborator" where user_id = ?) as resources,
              (select count(*)::int from "resource" where id = ?) as kept`,
      [created.id, created.id, resource.id],
    );
    expect(left[0]).toEqual({ teams: 0, resources: 0, kept: 1 });
    expect((await scim.get(`/Groups/${group.body.id}`)).body.members ?? []).toEqual([]);
    expect(await auditEventsFor(gateway, tenant, created.id)).toContainEqual(
      expect.objectContaining({
        action: 'user.deprovisioned',
        actor: expect.objectContaining({ type: 'SCIM' }),
        metadata: { teamsLeft: 1, resourceAccessRemoved: 1 },
      }),
    );
  });

  it('answers 404 for the deleted user and leaves them out of every list', async () => {
    const created = await create();
    await scim.delete(`/Users/${created.id}`);

    expectScimError(await scim.get(`/Users/${created.id}`), 404);
    expect((await scim.find('/Users', `id eq "${created.id}"`)).body.totalResults).toBe(0);
    const all = await scim.get('/Users?count=1000');
    expect(all.body.Resources.map((user: { id: string }) => user.id)).not.toContain(created.id);
    expect(await graphUser(gateway, tenant, created.id)).toBeNull();
  });

  it('answers 404 for a user that never existed', async () => {
    expectScimError(await scim.delete(`/Users/${randomUUID()}`), 404);
    expectScimError(await scim.delete('/Users/not-a-uuid'), 404);
  });
});

describe('PATCH /Users/{id}', () => {
  it('answers 200 with the patched resource and its new version', async () => {
    const created = await create();

    const response = await scim.patch(
      `/Users/${created.id}`,
      patchOp({ op: 'add', path: 'title', value: 'Captain' }),
    );

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: created.id, title: 'Captain' });
    expect(response.body.meta.version).toBe('W/"2"');
    expect(response.headers.get('etag')).toBe('W/"2"');
  });

  it('marks a user it writes to as coming from SCIM', async () => {
    const id = (await new Seeder(gateway.orm.em.fork()).user(tenant.tenantId, 'was@people.test'))
      .id;

    await scim.patch(`/Users/${id}`, patchOp({ op: 'add', path: 'title', value: 'Now IdP' }));

    expect((await graphUser(gateway, tenant, id))?.source).toBe('SCIM');
  });

  it('applies all operations or none', async () => {
    const created = await create(fresh('atomic'), { title: 'Before' });

    const response = await scim.patch(
      `/Users/${created.id}`,
      patchOp(
        { op: 'replace', path: 'title', value: 'After' },
        { op: 'replace', path: 'active', value: false },
        { op: 'replace', path: 'emails[type eq "work" and', value: 'x' },
      ),
    );

    expectScimError(response, 400, 'invalidPath');
    const read = await scim.get(`/Users/${created.id}`);
    expect(read.body).toMatchObject({ title: 'Before', active: true, meta: { version: 'W/"1"' } });
  });

  it('refuses to remove userName with 400 mutability', async () => {
    const created = await create();

    const response = await scim.patch(
      `/Users/${created.id}`,
      patchOp({ op: 'remove', path: 'userName' }),
    );

    expectScimError(response, 400, 'mutability');
    expect(response.body.detail).toContain('userName');
  });

  it('refuses a path it cannot parse with 400 invalidPath', async () => {
    const created = await create();

    const response = await scim.patch(
      `/Users/${created.id}`,
      patchOp({ op: 'replace', path: 'emails[type eq "work"', value: 'x@people.test' }),
    );

    expectScimError(response, 400, 'invalidPath');
  });

  it('refuses a remove whose filter matches nothing with 400 noTarget', async () => {
    const created = await create();

    const response = await scim.patch(
      `/Users/${created.id}`,
      patchOp({ op: 'remove', path: 'phoneNumbers[type eq "fax"]' }),
    );

    expectScimError(response, 400, 'noTarget');
  });

  it.each([
    ['a path through __proto__', 'invalidPath', '"path":"__proto__.polluted","value":"yes"'],
    ['a path through constructor', 'invalidPath', '"path":"constructor.prototype.x","value":1'],
    ['a value with a __proto__ key', 'invalidValue', '"value":{"__proto__":{"polluted":"yes"}}'],
    [
      'a nested value with a prototype key',
      'invalidValue',
      '"path":"name","value":{"givenName":"x","prototype":{"polluted":"yes"}}',
    ],
  ])('refuses %s with 400 %s and pollutes nothing', async (_case, scimType, operation) => {
    const created = await create();

    const response = await scim.patch(
      `/Users/${created.id}`,
      `{"schemas":["${PATCH_URN}"],"Operations":[{"op":"add",${operation}}]}`,
    );

    expectScimError(response, 400, scimType);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await scim.get(`/Users/${created.id}`)).body.meta.version).toBe('W/"1"');
  });

  it('refuses a __proto__ key in a POST body too', async () => {
    const response = await scim.post(
      '/Users',
      `{"schemas":["${CORE_USER}"],"userName":"${fresh('proto')}","__proto__":{"polluted":1}}`,
    );

    expectScimError(response, 400, 'invalidValue');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('records the update in the audit log with a SCIM actor', async () => {
    const created = await create();

    await scim.patch(
      `/Users/${created.id}`,
      patchOp({ op: 'add', path: 'title', value: 'Audited' }),
    );

    expect(await auditEventsFor(gateway, tenant, created.id)).toContainEqual(
      expect.objectContaining({
        action: 'user.updated',
        actor: expect.objectContaining({ type: 'SCIM' }),
      }),
    );
  });
});

describe('filters', () => {
  let filters: ScimClient;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const other = await gateway.bootstrap('filters');
    filters = await ScimClient.forTenant(gateway, other);
    ids.admin = other.adminId;
    const users: [string, Record<string, unknown>][] = [
      [
        'Ann.Archer@filters.test',
        {
          externalId: 'EXT-1',
          title: 'Engineer',
          name: { givenName: 'Ann', familyName: 'Archer' },
          emails: [
            { value: 'ann.archer@filters.test', type: 'work', primary: true },
            { value: 'ann@home.test', type: 'home' },
          ],
          phoneNumbers: [{ value: '+1 555 0101', type: 'mobile' }],
          [ENTERPRISE_USER]: { employeeNumber: '100', department: 'R&D' },
        },
      ],
      ['bob_b@filters.test', { externalId: 'ext-2', title: 'Designer', active: false }],
      ['carl%c@filters.test', { externalId: 'ext-3' }],
      ['100_percent@filters.test', {}],
    ];
    for (const [userName, extra] of users) {
      const response = await filters.post('/Users', scimUser(userName, extra));
      expect(response.status).toBe(201);
      ids[userName.slice(0, 3).toLowerCase()] = response.body.id;
    }
  });

  /** The short names of the users a filter finds, sorted. */
  async function found(filter: string): Promise<string[]> {
    const response = await filters.find('/Users', filter);
    expect(response.status).toBe(200);
    expect(response.body.totalResults).toBe(response.body.Resources.length);

    return response.body.Resources.map(
      (user: { id: string }) => Object.keys(ids).find((key) => ids[key] === user.id) ?? user.id,
    ).sort();
  }

  it.each([
    ['eq', 'userName eq "ann.archer@FILTERS.test"', ['ann']],
    ['ne', 'userName ne "ann.archer@filters.test"', ['100', 'admin', 'bob', 'car']],
    ['co', 'userName co "ARCHER"', ['ann']],
    ['sw', 'userName sw "bob"', ['bob']],
    ['ew', 'userName ew "C@FILTERS.TEST"', ['car']],
    ['pr', 'title pr', ['ann', 'bob']],
    ['gt', 'userName gt "bob_b@filters.test"', ['car']],
    ['ge', 'userName ge "bob_b@filters.test"', ['bob', 'car']],
    ['lt', 'userName lt "admin@filters.test"', ['100']],
    ['le', 'userName le "admin@filters.test"', ['100', 'admin']],
  ])('supports the %s operator', async (_op, filter, expected) => {
    expect(await found(filter)).toEqual(expected);
  });

  it('compares dates in meta with gt and le', async () => {
    const ann = (await filters.get(`/Users/${ids.ann}`)).body.meta.created;

    expect(await found(`meta.created gt "${ann}"`)).toEqual(['100', 'bob', 'car']);
    expect(await found(`meta.created le "${ann}"`)).toEqual(['admin', 'ann']);
  });

  it('combines with and, or, not and parentheses', async () => {
    expect(await found('title pr and not (active eq false)')).toEqual(['ann']);
    expect(await found('(userName sw "ann" or userName sw "bob") and active eq true')).toEqual([
      'ann',
    ]);
    expect(await found('userName sw "car" or externalId eq "ext-2"')).toEqual(['bob', 'car']);
    expect(await found('not (userName co "filters.test")')).toEqual([]);
  });

  it('filters on value paths and sub-attributes of multi-valued attributes', async () => {
    expect(await found('emails[type eq "home" and value ew "home.test"]')).toEqual(['ann']);
    expect(await found('emails.value eq "ann@home.test"')).toEqual(['ann']);
    expect(await found('phoneNumbers[type eq "mobile"]')).toEqual(['ann']);
  });

  it('finds users without stored emails by the email that stands in for them', async () => {
    expect(await found('emails[type eq "work" and value eq "admin@filters.test"]')).toEqual([
      'admin',
    ]);
  });

  it('accepts attribute names qualified by their schema URN', async () => {
    expect(await found(`${ENTERPRISE_USER}:employeeNumber eq "100"`)).toEqual(['ann']);
    expect(await found(`${CORE_USER}:userName sw "bob"`)).toEqual(['bob']);
  });

  it('reads attribute names and operators in any case', async () => {
    expect(await found('USERNAME EQ "bob_b@filters.test"')).toEqual(['bob']);
    expect(await found('Emails[TYPE eq "home"]')).toEqual(['ann']);
  });

  it('compares userName ignoring case but id and externalId exactly', async () => {
    expect(await found('userName eq "BOB_B@FILTERS.TEST"')).toEqual(['bob']);
    expect(await found('externalId eq "ext-1"')).toEqual([]);
    expect(await found('externalId eq "EXT-1"')).toEqual(['ann']);
    expect(await found(`id eq "${ids.ann.toUpperCase()}"`)).toEqual([]);
    expect(await found(`id eq "${ids.ann}"`)).toEqual(['ann']);
  });

  it('accepts the unquoted values Entra ID sends', async () => {
    expect(await found('externalId eq EXT-1')).toEqual(['ann']);
    expect(await found('userName eq bob_b@filters.test')).toEqual(['bob']);
  });

  it('treats % and _ in values as plain characters', async () => {
    expect(await found('userName co "%"')).toEqual(['car']);
    expect(await found('userName co "_"')).toEqual(['100', 'bob']);
    expect(await found('userName sw "1%"')).toEqual([]);
  });

  it.each([
    'userName eq',
    'userName regex "x"',
    'nosuchattribute eq "x"',
    'emails[type eq "work"',
    '(userName eq "a"',
    'userName eq "a" and',
    'members eq "x"',
    'password eq "x"',
  ])('refuses %j with 400 invalidFilter', async (filter) => {
    const response = await filters.find('/Users', filter);

    expectScimError(response, 400, 'invalidFilter');
  });

  it('filters in the database query rather than in memory', async () => {
    const sql = await captureSql(gateway, () => filters.find('/Users', 'externalId eq "EXT-1"'));
    const selects = sql.filter((statement) => /from "app_user" u where/.test(statement));

    expect(selects.length).toBeGreaterThan(0);
    for (const statement of selects) expect(statement).toContain('u.external_id');
  });
});
