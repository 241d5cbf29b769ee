import type { TenantFixture } from '../helpers/gateway';
import { TestGateway } from '../helpers/gateway';
import {
  CORE_GROUP,
  CORE_USER,
  captureSql,
  ENTERPRISE_USER,
  expectScimError,
  graphTeam,
  graphUser,
  memberIdsOf,
  patchOp,
  ScimClient,
} from '../helpers/scim';

// Entra ID (Azure AD) capitalises op names, sends booleans as strings, puts dotted and URN
// attribute names in path-less operations, and never wants group members in a lookup.
const ENTRA_GROUP = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';

let gateway: TestGateway;
let tenant: TenantFixture;
let entra: ScimClient;

beforeAll(async () => {
  gateway = await TestGateway.start();
  tenant = await gateway.bootstrap('contoso');
  entra = await ScimClient.forTenant(gateway, tenant);
});

afterAll(() => gateway?.stop());

/** The user Entra creates: core and enterprise schemas, a work email, meta it made up. */
function entraUser(userName: string, externalId: string) {
  return {
    schemas: [CORE_USER, ENTERPRISE_USER],
    externalId,
    userName,
    active: true,
    displayName: 'Adele Vance',
    emails: [{ primary: true, type: 'work', value: userName }],
    meta: { resourceType: 'User' },
    name: { formatted: 'Adele Vance', familyName: 'Vance', givenName: 'Adele' },
    roles: [],
    title: 'Retail Manager',
    [ENTERPRISE_USER]: { department: 'Retail', employeeNumber: '1001' },
  };
}

async function createUser(userName: string, externalId: string): Promise<string> {
  const response = await entra.post('/Users', entraUser(userName, externalId));
  expect(response.status).toBe(201);

  return response.body.id;
}

describe("Entra ID's user provisioning", () => {
  it('looks the user up by userName, quoted or not, then creates it', async () => {
    const userName = 'adelev@contoso.test';
    const quoted = await entra.get(
      `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`,
    );
    const unquoted = await entra.get(
      `/Users?filter=${encodeURIComponent(`userName eq ${userName}`)}`,
    );

    expect(quoted.body.totalResults).toBe(0);
    expect(unquoted.body.totalResults).toBe(0);

    const created = await entra.post('/Users', entraUser(userName, 'adele-ext'));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      schemas: expect.arrayContaining([CORE_USER, ENTERPRISE_USER]),
      externalId: 'adele-ext',
      userName,
      active: true,
      title: 'Retail Manager',
      [ENTERPRISE_USER]: { department: 'Retail', employeeNumber: '1001' },
      meta: { resourceType: 'User', location: expect.stringContaining(created.body.id) },
    });

    const again = await entra.find('/Users', `userName eq ${userName}`);
    expect(again.body.Resources).toEqual([expect.objectContaining({ id: created.body.id })]);
  });

  it('finds a user by an unquoted externalId, which is case-exact', async () => {
    const id = await createUser('megan@contoso.test', 'abc');

    expect((await entra.find('/Users', 'externalId eq abc')).body.Resources).toEqual([
      expect.objectContaining({ id, externalId: 'abc' }),
    ]);
    expect((await entra.find('/Users', 'externalId eq ABC')).body.totalResults).toBe(0);
  });

  it('replaces the work email with a capitalised Replace on a value-filter path', async () => {
    const id = await createUser('lidia@contoso.test', 'lidia-ext');
    const response = await entra.patch(
      `/Users/${id}`,
      patchOp(
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'lidia.h@contoso.test' },
        { op: 'Replace', path: 'displayName', value: 'Lidia Holloway' },
      ),
    );

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      displayName: 'Lidia Holloway',
      emails: [{ primary: true, type: 'work', value: 'lidia.h@contoso.test' }],
    });
    expect(await graphUser(gateway, tenant, id)).toMatchObject({
      email: 'lidia.h@contoso.test',
      displayName: 'Lidia Holloway',
    });
  });

  it.each(['Add', 'Replace'])(
    'creates the work email when %s names one the user does not have',
    async (op) => {
      const created = await entra.post('/Users', {
        schemas: [CORE_USER],
        userName: `no-work-${op}`,
        externalId: `no-work-${op}`,
        emails: [{ type: 'home', value: `${op}@home.test` }],
      });
      const response = await entra.patch(
        `/Users/${created.body.id}`,
        patchOp({ op, path: 'emails[type eq "work"].value', value: `${op}@contoso.test` }),
      );

      expect(response.status).toBe(200);
      expect(response.body.emails).toEqual([
        { type: 'home', value: `${op}@home.test` },
        expect.objectContaining({ type: 'work', value: `${op}@contoso.test` }),
      ]);
      expect((await graphUser(gateway, tenant, created.body.id))?.email).toBe(
        `${op}@contoso.test`.toLowerCase(),
      );
    },
  );

  it('deactivates and reactivates with active sent as the strings "False" and "True"', async () => {
    const id = await createUser('joni@contoso.test', 'joni-ext');

    const off = await entra.patch(
      `/Users/${id}`,
      patchOp({ op: 'Replace', path: 'active', value: 'False' }),
    );
    expect([off.status, off.body.active]).toEqual([200, false]);
    expect((await graphUser(gateway, tenant, id))?.status).toBe('DEACTIVATED');

    const on = await entra.patch(
      `/Users/${id}`,
      patchOp({ op: 'Replace', path: 'active', value: 'True' }),
    );
    expect([on.status, on.body.active]).toEqual([200, true]);
    expect((await graphUser(gateway, tenant, id))?.status).toBe('ACTIVE');
  });

  it('applies a path-less Replace whose keys are dotted and URN-qualified names', async () => {
    const id = await createUser('grady@contoso.test', 'grady-ext');
    const response = await entra.patch(
      `/Users/${id}`,
      patchOp({
        op: 'Replace',
        value: {
          'name.givenName': 'Grady',
          'name.familyName': 'Archie',
          [`${ENTERPRISE_USER}:employeeNumber`]: '2002',
          [`${ENTERPRISE_USER}:department`]: 'Engineering',
          active: 'True',
        },
      }),
    );

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      name: { givenName: 'Grady', familyName: 'Archie', formatted: 'Adele Vance' },
      active: true,
      [ENTERPRISE_USER]: { employeeNumber: '2002', department: 'Engineering' },
    });
    expect(response.body).not.toHaveProperty(['name.givenName']);
    const stored = await entra.get(`/Users/${id}`);
    expect(stored.body[ENTERPRISE_USER].employeeNumber).toBe('2002');
  });

  it('sets the manager from an array value and from a plain string', async () => {
    const manager = await createUser('diego@contoso.test', 'diego-ext');
    const report = await createUser('isaiah@contoso.test', 'isaiah-ext');
    const path = `${ENTERPRISE_USER}:manager`;

    const asArray = await entra.patch(
      `/Users/${report}`,
      patchOp({ op: 'Add', path, value: [{ value: manager }] }),
    );
    expect(asArray.status).toBe(200);
    expect(asArray.body[ENTERPRISE_USER].manager).toMatchObject({ value: manager });
    expect((await entra.find('/Users', `${path}.value eq "${manager}"`)).body.Resources).toEqual([
      expect.objectContaining({ id: report }),
    ]);

    const asString = await entra.patch(
      `/Users/${report}`,
      patchOp({ op: 'Replace', path, value: report }),
    );
    expect(asString.status).toBe(200);
    expect(asString.body[ENTERPRISE_USER].manager).toMatchObject({ value: report });

    const removed = await entra.patch(`/Users/${report}`, patchOp({ op: 'Remove', path }));
    expect(removed.status).toBe(200);
    expect(removed.body[ENTERPRISE_USER]).not.toHaveProperty('manager');
  });

  it('deletes the user with 204, after which it is gone', async () => {
    const id = await createUser('pradeep@contoso.test', 'pradeep-ext');

    const deleted = await entra.delete(`/Users/${id}`);
    expect([deleted.status, deleted.body]).toEqual([204, undefined]);
    expectScimError(await entra.get(`/Users/${id}`), 404);
    expect((await entra.find('/Users', 'externalId eq "pradeep-ext"')).body.totalResults).toBe(0);
  });
});

describe("Entra ID's group provisioning", () => {
  let members: string[];

  beforeAll(async () => {
    members = [
      await createUser('m1@contoso.test', 'm1-ext'),
      await createUser('m2@contoso.test', 'm2-ext'),
      await createUser('m3@contoso.test', 'm3-ext'),
    ];
  });

  const lookup = (filter: string) =>
    entra.get(`/Groups?excludedAttributes=members&filter=${encodeURIComponent(filter)}`);

  it('syncs a group: lookup, create, add, remove, rename and delete', async () => {
    expect((await lookup('displayName eq "Sales"')).body.totalResults).toBe(0);

    const created = await entra.post('/Groups', {
      schemas: [CORE_GROUP, ENTRA_GROUP],
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      displayName: 'Sales',
      members: [],
      meta: { resourceType: 'Group' },
    });
    const id = created.body.id;
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      displayName: 'Sales',
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      meta: { resourceType: 'Group' },
    });

    const listed = await lookup('displayName eq "Sales"');
    expect(listed.body.Resources).toEqual([expect.objectContaining({ id, displayName: 'Sales' })]);
    expect(listed.body.Resources[0]).not.toHaveProperty('members');

    const added = await entra.patch(
      `/Groups/${id}`,
      patchOp({ op: 'Add', path: 'members', value: members.map((value) => ({ value })) }),
    );
    expect(added.status).toBe(204);
    expect(memberIdsOf(await graphTeam(gateway, tenant, id))).toEqual([...members].sort());

    const removed = await entra.patch(
      `/Groups/${id}`,
      patchOp({
        op: 'Remove',
        path: 'members',
        value: [{ value: members[0] }, { value: members[2] }],
      }),
    );
    expect(removed.status).toBe(204);
    expect(memberIdsOf(await graphTeam(gateway, tenant, id))).toEqual([members[1]]);

    const renamed = await entra.patch(
      `/Groups/${id}`,
      patchOp({ op: 'Replace', path: 'displayName', value: 'Sales-EMEA' }),
    );
    expect(renamed.status).toBe(204);
    expect((await lookup(`id eq "${id}"`)).body.Resources[0].displayName).toBe('Sales-EMEA');

    const deleted = await entra.delete(`/Groups/${id}`);
    expect(deleted.status).toBe(204);
    expectScimError(await entra.get(`/Groups/${id}`), 404);
    expect((await lookup('displayName eq "Sales-EMEA"')).body.totalResults).toBe(0);
  });

  it('leaves members out of a group read with excludedAttributes=members', async () => {
    const created = await entra.post('/Groups', {
      schemas: [CORE_GROUP, ENTRA_GROUP],
      displayName: 'Marketing',
      members: [{ value: members[0] }],
    });

    const sql = await captureSql(gateway, async () => {
      const read = await entra.get(`/Groups/${created.body.id}?excludedAttributes=members`);
      expect(read.status).toBe(200);
      expect(read.body).not.toHaveProperty('members');
      expect(read.body.displayName).toBe('Marketing');
    });

    expect(sql.filter((statement) => statement.includes('team_membership'))).toEqual([]);
  });
});
