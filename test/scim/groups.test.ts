import { randomUUID } from 'node:crypto';
import { CreateTeamDocument } from '../generated/graphql';
import type { TenantFixture } from '../helpers/gateway';
import { TestGateway } from '../helpers/gateway';
import {
  auditEventsFor,
  CORE_GROUP,
  captureSql,
  expectScimError,
  graphTeam,
  memberIdsOf,
  patchOp,
  ScimClient,
  scimUser,
} from '../helpers/scim';

let gateway: TestGateway;
let tenant: TenantFixture;
let scim: ScimClient;
let alice: string;
let bob: string;
let carol: string;

beforeAll(async () => {
  gateway = await TestGateway.start();
  tenant = await gateway.bootstrap('squads');
  // A team made by an admin before the IdP took over, to collide with.
  await gateway.graphql(CreateTeamDocument, { input: { name: 'Legacy' } }, tenant.adminToken);
  scim = await ScimClient.forTenant(gateway, tenant);
  const user = async (name: string) =>
    (await scim.post('/Users', scimUser(`${name}@squads.test`))).body.id as string;
  alice = await user('alice');
  bob = await user('bob');
  carol = await user('carol');
});

afterAll(() => gateway?.stop());

let sequence = 0;
const freshName = (label: string) => `${label}-${++sequence}`;

async function createGroup(members: string[] = [], displayName = freshName('team')) {
  const response = await scim.post('/Groups', {
    schemas: [CORE_GROUP],
    displayName,
    members: members.map((value) => ({ value })),
  });
  expect(response.status).toBe(201);

  return response.body as { id: string; displayName: string };
}

const sortedMembers = (group: { members?: { value: string }[] }) =>
  (group.members ?? []).map((member) => member.value).sort();

describe('POST /Groups', () => {
  it('creates a team with its members and answers with the group', async () => {
    const response = await scim.post('/Groups', {
      schemas: [CORE_GROUP],
      displayName: 'Platform_Team-1',
      externalId: 'grp-ext-1',
      members: [{ value: alice }, { value: bob }],
    });

    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      schemas: [CORE_GROUP],
      id: expect.any(String),
      displayName: 'Platform_Team-1',
      externalId: 'grp-ext-1',
      meta: {
        resourceType: 'Group',
        location: `http://gateway.test/scim/v2/squads/Groups/${response.body.id}`,
        version: 'W/"1"',
      },
    });
    expect(response.body.members).toEqual(
      expect.arrayContaining([
        {
          value: alice,
          display: 'alice@squads.test',
          $ref: `http://gateway.test/scim/v2/squads/Users/${alice}`,
          type: 'User',
        },
      ]),
    );
    expect(response.headers.get('location')).toBe(response.body.meta.location);
    expect(response.headers.get('etag')).toBe('W/"1"');
  });

  it('gives the group the id of the team in GraphQL, marked as coming from SCIM', async () => {
    const group = await createGroup([alice]);

    expect(await graphTeam(gateway, tenant, group.id)).toMatchObject({
      id: group.id,
      name: group.displayName,
      source: 'SCIM',
    });
    expect(memberIdsOf(await graphTeam(gateway, tenant, group.id))).toEqual([alice]);
  });

  it('accepts the extra schema Entra ID adds to its groups', async () => {
    const response = await scim.post('/Groups', {
      schemas: [
        CORE_GROUP,
        'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group',
      ],
      displayName: freshName('entra'),
    });

    expect(response.status).toBe(201);
  });

  it.each([
    ['has a space', 'Two Words'],
    ['is empty', ''],
    ['is 37 characters long', 'a'.repeat(37)],
    ['has a dot', 'team.name'],
    ['has a letter outside A-Z', 'équipe'],
  ])('refuses a displayName that %s with 400 invalidValue quoting the rule', async (_c, name) => {
    const response = await scim.post('/Groups', { schemas: [CORE_GROUP], displayName: name });

    expectScimError(response, 400, 'invalidValue');
    expect(response.body.detail).toContain('1 to 36 characters');
    expect(response.body.detail).toContain('A-Z');
  });

  it('accepts a displayName of exactly 36 characters', async () => {
    expect(
      (await createGroup([], `${'b'.repeat(35)}${sequence}`.slice(0, 36))).displayName,
    ).toHaveLength(36);
  });

  it('refuses a missing displayName with 400 invalidValue', async () => {
    const response = await scim.post('/Groups', { schemas: [CORE_GROUP], members: [] });

    expectScimError(response, 400, 'invalidValue');
    expect(response.body.detail).toContain('displayName');
  });

  it('refuses the name of another team in any case with 409 uniqueness', async () => {
    const group = await createGroup();

    const scimClash = await scim.post('/Groups', { displayName: group.displayName.toUpperCase() });
    const adminClash = await scim.post('/Groups', { displayName: 'legacy' });

    expectScimError(scimClash, 409, 'uniqueness');
    expectScimError(adminClash, 409, 'uniqueness');
  });

  it('refuses a member that is not a user of the tenant with 400 invalidValue', async () => {
    const other = await gateway.bootstrap('other-squads');
    const unknown = randomUUID();

    for (const value of [unknown, other.adminId, 'not-a-uuid']) {
      const response = await scim.post('/Groups', {
        displayName: freshName('bad-members'),
        members: [{ value: alice }, { value }],
      });
      expectScimError(response, 400, 'invalidValue');
      expect(response.body.detail).toContain(value);
      expect(response.body.detail).toContain('members');
    }
  });

  it('refuses an externalId longer than 255 characters with 400 invalidValue', async () => {
    const response = await scim.post('/Groups', {
      displayName: freshName('long-ext'),
      externalId: 'x'.repeat(256),
    });

    expectScimError(response, 400, 'invalidValue');
    expect(response.body.detail).toContain('externalId must be at most 255 characters');
  });

  it('records the creation in the audit log with a SCIM actor', async () => {
    const group = await createGroup([bob]);

    expect(await auditEventsFor(gateway, tenant, group.id)).toEqual([
      expect.objectContaining({
        action: 'team.created',
        actor: expect.objectContaining({ type: 'SCIM' }),
      }),
    ]);
  });
});

describe('GET /Groups', () => {
  it('reads a group with its members', async () => {
    const group = await createGroup([alice, carol]);

    const response = await scim.get(`/Groups/${group.id}`);

    expect(response.status).toBe(200);
    expect(sortedMembers(response.body)).toEqual([alice, carol].sort());
    expect(response.headers.get('etag')).toBe(response.body.meta.version);
  });

  it('does not read members at all when they are excluded', async () => {
    await createGroup([alice, bob]);

    const sql = await captureSql(gateway, async () => {
      const response = await scim.get('/Groups?excludedAttributes=members');
      expect(response.status).toBe(200);
      for (const group of response.body.Resources) expect(group).not.toHaveProperty('members');
    });

    expect(sql.some((statement) => statement.includes('"team"'))).toBe(true);
    expect(sql.filter((statement) => statement.includes('team_membership'))).toEqual([]);
  });

  it('reads the members of a whole page in one statement', async () => {
    await createGroup([alice]);
    await createGroup([bob]);

    const sql = await captureSql(gateway, () => scim.get('/Groups?count=50'));

    expect(sql.filter((statement) => statement.includes('team_membership'))).toHaveLength(1);
  });

  it('finds groups by displayName ignoring case, by externalId and by member', async () => {
    const group = await scim.post('/Groups', {
      displayName: freshName('Findable'),
      externalId: 'Grp-Find',
      members: [{ value: carol }],
    });
    const { id, displayName } = group.body;

    const byName = await scim.find('/Groups', `displayName eq "${displayName.toLowerCase()}"`);
    const byExternalId = await scim.find('/Groups', 'externalId eq "Grp-Find"');
    const byWrongCase = await scim.find('/Groups', 'externalId eq "grp-find"');
    const byMember = await scim.find('/Groups', `members[value eq "${carol}"]`);

    expect(byName.body.Resources).toEqual([expect.objectContaining({ id })]);
    expect(byExternalId.body.Resources).toEqual([expect.objectContaining({ id })]);
    expect(byWrongCase.body.totalResults).toBe(0);
    expect(byMember.body.Resources.map((g: { id: string }) => g.id)).toContain(id);
  });

  it('serves a team an admin made before SCIM as a group', async () => {
    const response = await scim.find('/Groups', 'displayName eq "Legacy"');

    expect(response.body.Resources).toEqual([
      expect.objectContaining({ displayName: 'Legacy', members: [] }),
    ]);
  });

  it('answers 404 for an unknown group', async () => {
    expectScimError(await scim.get(`/Groups/${randomUUID()}`), 404);
    expectScimError(await scim.get('/Groups/nope'), 404);
  });
});

describe('PUT /Groups/{id}', () => {
  it('replaces the name and the whole member list', async () => {
    const group = await createGroup([alice, bob]);
    const name = freshName('renamed');

    const response = await scim.put(`/Groups/${group.id}`, {
      schemas: [CORE_GROUP],
      displayName: name,
      members: [{ value: carol }],
    });

    expect(response.status).toBe(200);
    expect(response.body.displayName).toBe(name);
    expect(sortedMembers(response.body)).toEqual([carol]);
    expect(memberIdsOf(await graphTeam(gateway, tenant, group.id))).toEqual([carol]);
  });

  it('refuses a body whose id differs with 400 mutability', async () => {
    const group = await createGroup();

    const response = await scim.put(`/Groups/${group.id}`, {
      id: randomUUID(),
      displayName: group.displayName,
    });

    expectScimError(response, 400, 'mutability');
  });

  it('refuses an invalid displayName with 400 invalidValue', async () => {
    const group = await createGroup();

    expectScimError(
      await scim.put(`/Groups/${group.id}`, { displayName: 'no spaces allowed' }),
      400,
      'invalidValue',
    );
  });

  it('takes over a team an admin made, marking it as coming from SCIM', async () => {
    const made = await gateway.graphql(
      CreateTeamDocument,
      { input: { name: freshName('handmade') } },
      tenant.adminToken,
    );
    const team = made.data!.createTeam.team!;

    const response = await scim.put(`/Groups/${team.id}`, {
      displayName: team.name,
      members: [{ value: alice }],
    });

    expect(response.status).toBe(200);
    expect((await graphTeam(gateway, tenant, team.id))?.source).toBe('SCIM');
  });
});

describe('PATCH /Groups/{id}', () => {
  it('adds members and answers 204 with the new ETag', async () => {
    const group = await createGroup([alice]);

    const response = await scim.patch(
      `/Groups/${group.id}`,
      patchOp({ op: 'add', path: 'members', value: [{ value: bob }, { value: carol }] }),
    );

    expect([response.status, response.body]).toEqual([204, undefined]);
    expect(response.headers.get('etag')).toBe('W/"2"');
    expect(memberIdsOf(await graphTeam(gateway, tenant, group.id))).toEqual(
      [alice, bob, carol].sort(),
    );
  });

  it('adds a member who is already there without duplicating them', async () => {
    const group = await createGroup([alice]);

    await scim.patch(
      `/Groups/${group.id}`,
      patchOp({ op: 'add', path: 'members', value: [{ value: alice }, { value: alice }] }),
    );

    expect(memberIdsOf(await graphTeam(gateway, tenant, group.id))).toEqual([alice]);
  });

  it('removes members named by a value filter', async () => {
    const group = await createGroup([alice, bob]);

    const response = await scim.patch(
      `/Groups/${group.id}`,
      patchOp({ op: 'remove', path: `members[value eq "${alice}"]` }),
    );

    expect(response.status).toBe(204);
    expect(memberIdsOf(await graphTeam(gateway, tenant, group.id))).toEqual([bob]);
  });

  it('removes every member when the path is members alone', async () => {
    const group = await createGroup([alice, bob]);

    await scim.patch(`/Groups/${group.id}`, patchOp({ op: 'remove', path: 'members' }));

    expect(memberIdsOf(await graphTeam(gateway, tenant, group.id))).toEqual([]);
  });

  it('replaces the member list', async () => {
    const group = await createGroup([alice, bob]);

    await scim.patch(
      `/Groups/${group.id}`,
      patchOp({ op: 'replace', path: 'members', value: [{ value: carol }] }),
    );

    expect(memberIdsOf(await graphTeam(gateway, tenant, group.id))).toEqual([carol]);
  });

  it('renames the group', async () => {
    const group = await createGroup();
    const name = freshName('patched');

    await scim.patch(
      `/Groups/${group.id}`,
      patchOp({ op: 'replace', path: 'displayName', value: name }),
    );

    expect((await scim.get(`/Groups/${group.id}`)).body.displayName).toBe(name);
  });

  it('answers 200 with the group when the caller asks for attributes back', async () => {
    const group = await createGroup();

    const response = await scim.patch(
      `/Groups/${group.id}?attributes=displayName,members`,
      patchOp({ op: 'add', path: 'members', value: [{ value: alice }] }),
    );

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: group.id, displayName: group.displayName });
    expect(sortedMembers(response.body)).toEqual([alice]);
  });

  it('applies all operations or none', async () => {
    const group = await createGroup([alice]);

    const response = await scim.patch(
      `/Groups/${group.id}`,
      patchOp(
        { op: 'add', path: 'members', value: [{ value: bob }] },
        { op: 'replace', path: 'displayName', value: freshName('half') },
        { op: 'add', path: 'members', value: [{ value: randomUUID() }] },
      ),
    );

    expectScimError(response, 400, 'invalidValue');
    const read = await scim.get(`/Groups/${group.id}`);
    expect(read.body.displayName).toBe(group.displayName);
    expect(sortedMembers(read.body)).toEqual([alice]);
    expect(read.body.meta.version).toBe('W/"1"');
  });

  it('refuses a rename to another group name with 409 uniqueness', async () => {
    const taken = await createGroup();
    const group = await createGroup();

    const response = await scim.patch(
      `/Groups/${group.id}`,
      patchOp({ op: 'replace', path: 'displayName', value: taken.displayName.toLowerCase() }),
    );

    expectScimError(response, 409, 'uniqueness');
  });

  it('refuses a rename outside the name rule with 400 invalidValue', async () => {
    const group = await createGroup();

    const response = await scim.patch(
      `/Groups/${group.id}`,
      patchOp({ op: 'replace', path: 'displayName', value: 'has space' }),
    );

    expectScimError(response, 400, 'invalidValue');
    expect(response.body.detail).toContain('1 to 36 characters');
  });

  it('refuses to remove displayName with 400 mutability', async () => {
    const group = await createGroup();

    const response = await scim.patch(
      `/Groups/${group.id}`,
      patchOp({ op: 'remove', path: 'displayName' }),
    );

    expectScimError(response, 400, 'mutability');
  });

  it('refuses a path the group does not have with 400 invalidPath', async () => {
    const group = await createGroup();

    const response = await scim.patch(
      `/Groups/${group.id}`,
      patchOp({ op: 'replace', path: 'members[value eq', value: [] }),
    );

    expectScimError(response, 400, 'invalidPath');
  });

  it('records the membership change in the audit log with a SCIM actor', async () => {
    const group = await createGroup();

    await scim.patch(
      `/Groups/${group.id}`,
      patchOp({ op: 'add', path: 'members', value: [{ value: carol }] }),
    );

    expect(await auditEventsFor(gateway, tenant, group.id)).toContainEqual(
      expect.objectContaining({
        action: 'team.updated',
        actor: expect.objectContaining({ type: 'SCIM' }),
        metadata: { addedUserIds: [carol], removedUserIds: [] },
      }),
    );
  });
});

describe('DELETE /Groups/{id}', () => {
  it('deletes the team and its memberships but not the members', async () => {
    const group = await createGroup([alice, bob]);

    const response = await scim.delete(`/Groups/${group.id}`);

    expect([response.status, response.body]).toEqual([204, undefined]);
    expectScimError(await scim.get(`/Groups/${group.id}`), 404);
    expect(await graphTeam(gateway, tenant, group.id)).toBeNull();
    const [{ count }] = await gateway.orm.em
      .fork()
      .getConnection()
      .execute('select count(*)::int as count from "team_membership" where team_id = ?', [
        group.id,
      ]);
    expect(count).toBe(0);
    expect((await scim.get(`/Users/${alice}`)).status).toBe(200);
    expect(await auditEventsFor(gateway, tenant, group.id)).toContainEqual(
      expect.objectContaining({
        action: 'team.deleted',
        actor: expect.objectContaining({ type: 'SCIM' }),
      }),
    );
  });

  it('leaves the deleted group out of lists', async () => {
    const group = await createGroup();
    await scim.delete(`/Groups/${group.id}`);

    expect((await scim.find('/Groups', `id eq "${group.id}"`)).body.totalResults).toBe(0);
  });

  it('answers 404 for an unknown group', async () => {
    expectScimError(await scim.delete(`/Groups/${randomUUID()}`), 404);
  });
});
