import { Team, TeamSource } from '../src/team/team.entity';
import { isManagedByIdp } from '../src/team/team-rules';
import { ProvisioningMode, Tenant } from '../src/tenant/tenant.entity';
import { TenantRole, type User, UserStatus } from '../src/user/user.entity';
import {
  AddTeamMembersDocument,
  type AddTeamMembersInput,
  CreateTeamDocument,
  DeleteTeamDocument,
  RemoveTeamMembersDocument,
  UpdateTeamDocument,
} from './generated/graphql';
import { type GraphQLResponse, type TenantFixture, TestGateway } from './helpers/gateway';
import { Seeder, storedAuditEvents } from './helpers/seed';

let gateway: TestGateway;
let acme: TenantFixture;
let globex: TenantFixture;
let seed: Seeder;

beforeAll(async () => {
  gateway = await TestGateway.start();
  acme = await gateway.bootstrap('acme');
  globex = await gateway.bootstrap('globex');
  seed = new Seeder(gateway.orm.em.fork());
});

afterAll(() => gateway?.stop());

const UNKNOWN_ID = '01a23c07-0000-7000-8000-000000000000';

const codes = (response: GraphQLResponse<unknown>) =>
  response.errors?.map((error) => error.extensions?.code);

let emails = 0;
/** A fresh user of the tenant with a token; `role` and `status` as given. */
function person(tenant: TenantFixture, fields: Partial<Pick<User, 'role' | 'status'>> = {}) {
  emails += 1;

  return seed.userWithToken(tenant.tenantId, `person${emails}@${tenant.slug}.test`, fields);
}

async function createTeam(name: string, tenant = acme) {
  const response = await gateway.graphql(
    CreateTeamDocument,
    { input: { name } },
    tenant.adminToken,
  );
  expect(response.data?.createTeam.userErrors).toEqual([]);

  return response.data!.createTeam.team!;
}

function addMembers(input: AddTeamMembersInput, token = acme.adminToken) {
  return gateway.graphql(AddTeamMembersDocument, { input }, token);
}

function removeMembers(teamId: string, userIds: string[], token = acme.adminToken) {
  return gateway.graphql(RemoveTeamMembersDocument, { input: { teamId, userIds } }, token);
}

/** Row counts that any team mutation would change, to prove a refused one changed nothing. */
async function footprint(tenantId: string) {
  const [row] = await gateway.orm.em
    .fork()
    .getConnection()
    .execute(
      `select (select count(*) from "team" where tenant_id = ?) as teams,
            (select count(*) from "team_membership" where tenant_id = ?) as memberships,
            (select count(*) from "audit_event" where tenant_id = ?) as events`,
      [tenantId, tenantId, tenantId],
    );

  return row;
}

async function lastEvent(tenantId: string) {
  return (await storedAuditEvents(gateway.orm.em.fork(), tenantId)).at(-1)!;
}

describe('createTeam', () => {
  it('creates a team and records team.created with the admin as actor', async () => {
    const response = await gateway.graphql(
      CreateTeamDocument,
      { input: { name: 'Platform_Core-2', description: '  Runs the platform.  ' } },
      acme.adminToken,
    );

    const { team, userErrors } = response.data!.createTeam;
    expect(userErrors).toEqual([]);
    expect(team).toMatchObject({
      name: 'Platform_Core-2',
      description: 'Runs the platform.',
      source: 'MANUAL',
      members: { totalCount: 0 },
    });
    expect(await lastEvent(acme.tenantId)).toEqual({
      action: 'team.created',
      actorType: 'USER',
      actorId: acme.adminId,
      targets: [{ type: 'team', id: team!.id, display: 'Platform_Core-2' }],
      metadata: {},
    });
  });

  it('accepts a name of exactly 36 characters', async () => {
    const team = await createTeam('a'.repeat(36));

    expect(team.name).toHaveLength(36);
  });

  it.each([
    ['of 37 characters', 'b'.repeat(37)],
    ['with a space', 'data team'],
    ['that is empty', ''],
    ['with letters outside A-Z', 'équipe'],
    ['with an emoji', 'team🚀'],
  ])('refuses a name %s with INVALID_NAME and writes nothing', async (_, name) => {
    const before = await footprint(acme.tenantId);

    const response = await gateway.graphql(
      CreateTeamDocument,
      { input: { name } },
      acme.adminToken,
    );

    expect(response.errors).toBeUndefined();
    expect(response.data?.createTeam.team).toBeNull();
    expect(response.data?.createTeam.userErrors).toEqual([
      {
        code: 'INVALID_NAME',
        field: ['name'],
        message: expect.stringContaining('1 to 36 characters of letters A-Z and a-z, digits'),
      },
    ]);
    expect(await footprint(acme.tenantId)).toEqual(before);
  });

  it('refuses a name differing from an existing one only in case as ALREADY_EXISTS', async () => {
    await createTeam('Design');
    const before = await footprint(acme.tenantId);

    const response = await gateway.graphql(
      CreateTeamDocument,
      { input: { name: 'dESIGN' } },
      acme.adminToken,
    );

    expect(response.data?.createTeam.userErrors).toEqual([
      {
        code: 'ALREADY_EXISTS',
        field: ['name'],
        message: 'A team with name "dESIGN" already exists; choose another name.',
      },
    ]);
    expect(await footprint(acme.tenantId)).toEqual(before);
  });

  it('lets exactly one of ten concurrent creates of one name succeed', async () => {
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        gateway.graphql(
          CreateTeamDocument,
          { input: { name: i % 2 ? 'RACE' : 'race' } },
          acme.adminToken,
        ),
      ),
    );

    expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
    expect(responses.flatMap((response) => response.errors ?? [])).toEqual([]);
    const payloads = responses.map((response) => response.data!.createTeam);
    expect(payloads.filter((payload) => payload.team)).toHaveLength(1);
    expect(payloads.flatMap((payload) => payload.userErrors.map((error) => error.code))).toEqual(
      Array(9).fill('ALREADY_EXISTS'),
    );
    const winner = payloads.find((payload) => payload.team)!.team!;
    const [stored] = await gateway.orm.em
      .fork()
      .getConnection()
      .execute(
        `select count(*)::int as n from "team" where tenant_id = ? and lower(name) = 'race'`,
        [acme.tenantId],
      );
    const events = await storedAuditEvents(gateway.orm.em.fork(), acme.tenantId);
    expect(stored.n).toBe(1);
    expect(events.filter((event) => event.targets[0]?.id === winner.id)).toHaveLength(1);
  });

  it('allows a name that another tenant already uses', async () => {
    await createTeam('Shared-Name', globex);

    const team = await createTeam('shared-name');

    expect(team.name).toBe('shared-name');
  });

  it('refuses a MEMBER with FORBIDDEN', async () => {
    const { token } = await person(acme);

    const response = await gateway.graphql(CreateTeamDocument, { input: { name: 'mine' } }, token);

    expect(codes(response)).toEqual(['FORBIDDEN']);
    expect(response.errors?.[0].message).toMatch(/create teams: it requires the ADMIN role/);
  });
});

describe('updateTeam', () => {
  it('renames a team and changes its description, recording both changes', async () => {
    const team = await createTeam('Ops');

    const response = await gateway.graphql(
      UpdateTeamDocument,
      { input: { teamId: team.id, name: 'SRE', description: 'Keeps things up.' } },
      acme.adminToken,
    );

    expect(response.data?.updateTeam).toMatchObject({
      userErrors: [],
      team: { id: team.id, name: 'SRE', description: 'Keeps things up.' },
    });
    expect(await lastEvent(acme.tenantId)).toMatchObject({
      action: 'team.updated',
      actorType: 'USER',
      actorId: acme.adminId,
      targets: [{ type: 'team', id: team.id, display: 'SRE' }],
      metadata: {
        changed: {
          name: { from: 'Ops', to: 'SRE' },
          description: { from: null, to: 'Keeps things up.' },
        },
      },
    });
  });

  it('keeps fields left out, and clears the description when it is null', async () => {
    const created = await gateway.graphql(
      CreateTeamDocument,
      { input: { name: 'Keepers', description: 'Old text' } },
      acme.adminToken,
    );
    const teamId = created.data!.createTeam.team!.id;

    const kept = await gateway.graphql(UpdateTeamDocument, { input: { teamId } }, acme.adminToken);
    const cleared = await gateway.graphql(
      UpdateTeamDocument,
      { input: { teamId, description: null } },
      acme.adminToken,
    );

    expect(kept.data?.updateTeam.team).toMatchObject({ name: 'Keepers', description: 'Old text' });
    expect(cleared.data?.updateTeam.team).toMatchObject({ name: 'Keepers', description: null });
  });

  it("allows changing only the case of the team's own name", async () => {
    const team = await createTeam('backend');

    const response = await gateway.graphql(
      UpdateTeamDocument,
      { input: { teamId: team.id, name: 'Backend' } },
      acme.adminToken,
    );

    expect(response.data?.updateTeam.userErrors).toEqual([]);
    expect(response.data?.updateTeam.team?.name).toBe('Backend');
  });

  it("refuses renaming onto another team's name in any case with ALREADY_EXISTS", async () => {
    await createTeam('Frontend');
    const team = await createTeam('Mobile');
    const before = await footprint(acme.tenantId);

    const response = await gateway.graphql(
      UpdateTeamDocument,
      { input: { teamId: team.id, name: 'FRONTEND' } },
      acme.adminToken,
    );

    expect(response.data?.updateTeam.userErrors).toEqual([
      expect.objectContaining({ code: 'ALREADY_EXISTS', field: ['name'] }),
    ]);
    expect(await footprint(acme.tenantId)).toEqual(before);
    const stored = await gateway.orm.em.fork().findOneOrFail(Team, team.id);
    expect(stored.name).toBe('Mobile');
  });

  it('refuses an invalid new name with INVALID_NAME and leaves the team as it was', async () => {
    const team = await createTeam('Legal');

    const response = await gateway.graphql(
      UpdateTeamDocument,
      { input: { teamId: team.id, name: 'Legal & Risk' } },
      acme.adminToken,
    );

    expect(response.data?.updateTeam.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID_NAME', field: ['name'] }),
    ]);
    expect((await gateway.orm.em.fork().findOneOrFail(Team, team.id)).name).toBe('Legal');
  });

  it('refuses a MEMBER with FORBIDDEN, even one who manages the team', async () => {
    const manager = await person(acme);
    const team = await seed.team(acme.tenantId, 'Managed', [manager.user], [manager.user]);

    const response = await gateway.graphql(
      UpdateTeamDocument,
      { input: { teamId: team.id, name: 'Renamed' } },
      manager.token,
    );

    expect(codes(response)).toEqual(['FORBIDDEN']);
  });
});

describe('deleteTeam', () => {
  it('deletes a team with its memberships and records team.deleted', async () => {
    const alice = await person(acme);
    const team = await seed.team(acme.tenantId, 'Doomed', [alice.user]);

    const response = await gateway.graphql(
      DeleteTeamDocument,
      { input: { teamId: team.id } },
      acme.adminToken,
    );

    expect(response.data?.deleteTeam).toEqual({ deletedTeamId: team.id, userErrors: [] });
    const [left] = await gateway.orm.em
      .fork()
      .getConnection()
      .execute('select count(*)::int as n from "team_membership" where team_id = ?', [team.id]);
    expect(left.n).toBe(0);
    expect(await gateway.orm.em.fork().findOne(Team, team.id)).toBeNull();
    expect(await lastEvent(acme.tenantId)).toMatchObject({
      action: 'team.deleted',
      actorType: 'USER',
      actorId: acme.adminId,
      targets: [{ type: 'team', id: team.id, display: 'Doomed' }],
      metadata: { members: 1, resourceGrants: 0 },
    });
  });

  it.each([
    ['an unknown id', UNKNOWN_ID],
    ['an id that is not a UUID', 'not-a-uuid'],
  ])('answers %s with NOT_FOUND', async (_, teamId) => {
    const response = await gateway.graphql(
      DeleteTeamDocument,
      { input: { teamId } },
      acme.adminToken,
    );

    expect(response.data?.deleteTeam).toEqual({
      deletedTeamId: null,
      userErrors: [
        {
          code: 'NOT_FOUND',
          field: ['teamId'],
          message: `No team with id "${teamId}" exists in this tenant.`,
        },
      ],
    });
  });

  it('refuses a MEMBER with FORBIDDEN and keeps the team', async () => {
    const { token } = await person(acme);
    const team = await createTeam('Survivor');

    const response = await gateway.graphql(
      DeleteTeamDocument,
      { input: { teamId: team.id } },
      token,
    );

    expect(codes(response)).toEqual(['FORBIDDEN']);
    expect(await gateway.orm.em.fork().findOne(Team, team.id)).not.toBeNull();
  });
});

describe('team members', () => {
  it('lets an ADMIN add members and managers, recording team.members_added', async () => {
    const [ann, bob] = await Promise.all([person(acme), person(acme)]);
    const team = await createTeam('Growth');

    const members = await addMembers({ teamId: team.id, userIds: [ann.user.id] });
    const managers = await addMembers({
      teamId: team.id,
      userIds: [bob.user.id],
      asManagers: true,
    });

    expect(members.data?.addTeamMembers.userErrors).toEqual([]);
    const result = managers.data!.addTeamMembers.team!;
    expect(result.members.edges.map((edge) => edge.node.id).sort()).toEqual(
      [ann.user.id, bob.user.id].sort(),
    );
    expect(result.managers).toEqual([{ id: bob.user.id }]);
    expect(await lastEvent(acme.tenantId)).toEqual({
      action: 'team.members_added',
      actorType: 'USER',
      actorId: acme.adminId,
      targets: [
        { type: 'team', id: team.id, display: 'Growth' },
        { type: 'user', id: bob.user.id, display: bob.user.email },
      ],
      metadata: { asManagers: true, addedUserIds: [bob.user.id], promotedUserIds: [] },
    });
  });

  it('treats adding an existing member as a no-op, and promotes them with asManagers', async () => {
    const ann = await person(acme);
    const team = await seed.team(acme.tenantId, 'Again', [ann.user]);

    const again = await addMembers({ teamId: team.id, userIds: [ann.user.id, ann.user.id] });
    const promoted = await addMembers({
      teamId: team.id,
      userIds: [ann.user.id],
      asManagers: true,
    });

    expect(again.data?.addTeamMembers.userErrors).toEqual([]);
    expect(again.data?.addTeamMembers.team).toMatchObject({ members: { totalCount: 1 } });
    expect(again.data?.addTeamMembers.team?.managers).toEqual([]);
    expect(promoted.data?.addTeamMembers.team).toMatchObject({
      members: { totalCount: 1 },
      managers: [{ id: ann.user.id }],
    });
    expect((await lastEvent(acme.tenantId)).metadata).toEqual({
      asManagers: true,
      addedUserIds: [],
      promotedUserIds: [ann.user.id],
    });
  });

  it('never demotes a manager who is added again without asManagers', async () => {
    const lead = await person(acme);
    const team = await seed.team(acme.tenantId, 'Steady', [lead.user], [lead.user]);

    const response = await addMembers({ teamId: team.id, userIds: [lead.user.id] });

    expect(response.data?.addTeamMembers.team?.managers).toEqual([{ id: lead.user.id }]);
  });

  it('lets a manager add and remove members of their own team', async () => {
    const [lead, ann] = await Promise.all([person(acme), person(acme)]);
    const team = await seed.team(acme.tenantId, 'Led', [lead.user], [lead.user]);

    const added = await addMembers({ teamId: team.id, userIds: [ann.user.id] }, lead.token);
    const removed = await removeMembers(team.id, [ann.user.id], lead.token);

    expect(added.data?.addTeamMembers.team?.members.totalCount).toBe(2);
    expect(removed.data?.removeTeamMembers.userErrors).toEqual([]);
    expect(removed.data?.removeTeamMembers.team?.members.totalCount).toBe(1);
    expect(await lastEvent(acme.tenantId)).toEqual({
      action: 'team.members_removed',
      actorType: 'USER',
      actorId: lead.user.id,
      targets: [
        { type: 'team', id: team.id, display: 'Led' },
        { type: 'user', id: ann.user.id, display: ann.user.email },
      ],
      metadata: { removedUserIds: [ann.user.id] },
    });
  });

  it("refuses a manager changing another team's members with FORBIDDEN", async () => {
    const [lead, ann] = await Promise.all([person(acme), person(acme)]);
    await seed.team(acme.tenantId, 'Mine', [lead.user], [lead.user]);
    const other = await seed.team(acme.tenantId, 'Theirs', [ann.user]);
    const before = await footprint(acme.tenantId);

    const add = await addMembers({ teamId: other.id, userIds: [lead.user.id] }, lead.token);
    const remove = await removeMembers(other.id, [ann.user.id], lead.token);

    expect(codes(add)).toEqual(['FORBIDDEN']);
    expect(add.errors?.[0].message).toMatch(/ADMIN role or being a manager of that team/);
    expect(codes(remove)).toEqual(['FORBIDDEN']);
    expect(await footprint(acme.tenantId)).toEqual(before);
  });

  it('refuses a member who is not a manager with FORBIDDEN', async () => {
    const [ann, bob] = await Promise.all([person(acme), person(acme)]);
    const team = await seed.team(acme.tenantId, 'Flat', [ann.user]);

    const response = await addMembers({ teamId: team.id, userIds: [bob.user.id] }, ann.token);

    expect(codes(response)).toEqual(['FORBIDDEN']);
  });

  it('lets only an ADMIN make managers', async () => {
    const [lead, ann] = await Promise.all([person(acme), person(acme)]);
    const team = await seed.team(acme.tenantId, 'Hierarchy', [lead.user], [lead.user]);
    const before = await footprint(acme.tenantId);

    const response = await addMembers(
      { teamId: team.id, userIds: [ann.user.id], asManagers: true },
      lead.token,
    );

    expect(codes(response)).toEqual(['FORBIDDEN']);
    expect(response.errors?.[0].message).toMatch(/make team managers: it requires the ADMIN role/);
    expect(await footprint(acme.tenantId)).toEqual(before);
  });

  it('lets a manager leave the team but not remove another manager', async () => {
    const [lead, colead] = await Promise.all([person(acme), person(acme)]);
    const both = [lead.user, colead.user];
    const team = await seed.team(acme.tenantId, 'Duo', both, both);

    const kick = await removeMembers(team.id, [colead.user.id], lead.token);
    const leave = await removeMembers(team.id, [lead.user.id], lead.token);

    expect(codes(kick)).toEqual(['FORBIDDEN']);
    expect(kick.errors?.[0].message).toMatch(/remove another manager from team "Duo"/);
    expect(leave.data?.removeTeamMembers.team?.managers).toEqual([{ id: colead.user.id }]);
  });

  it('reports unknown and malformed user ids as NOT_FOUND on userIds, adding nobody', async () => {
    const ann = await person(acme);
    const team = await createTeam('Strict');
    const before = await footprint(acme.tenantId);

    const response = await addMembers({
      teamId: team.id,
      userIds: [ann.user.id, UNKNOWN_ID, 'bogus'],
    });

    expect(response.data?.addTeamMembers.team).toBeNull();
    expect(response.data?.addTeamMembers.userErrors).toEqual([
      {
        code: 'NOT_FOUND',
        field: ['userIds'],
        message: expect.stringContaining(`"${UNKNOWN_ID}", "bogus"`),
      },
    ]);
    expect(await footprint(acme.tenantId)).toEqual(before);
  });

  it('refuses to add a DEACTIVATED user with INVALID_STATE', async () => {
    const gone = await seed.user(acme.tenantId, 'gone@acme.test', {
      status: UserStatus.DEACTIVATED,
    });
    const team = await createTeam('Alive');
    const before = await footprint(acme.tenantId);

    const response = await addMembers({ teamId: team.id, userIds: [gone.id] });

    expect(response.data?.addTeamMembers.userErrors).toEqual([
      {
        code: 'INVALID_STATE',
        field: ['userIds'],
        message: expect.stringContaining('gone@acme.test'),
      },
    ]);
    expect(await footprint(acme.tenantId)).toEqual(before);
  });

  it('adds an INVITED user who has not signed in yet', async () => {
    const invited = await person(acme, { status: UserStatus.INVITED });
    const team = await createTeam('Onboarding');

    const response = await addMembers({ teamId: team.id, userIds: [invited.user.id] });

    expect(response.data?.addTeamMembers.team?.members.totalCount).toBe(1);
  });

  it('skips users who are not members when removing, and still records the request', async () => {
    const [ann, bob] = await Promise.all([person(acme), person(acme)]);
    const team = await seed.team(acme.tenantId, 'Sparse', [ann.user]);

    const response = await removeMembers(team.id, [bob.user.id]);

    expect(response.data?.removeTeamMembers.userErrors).toEqual([]);
    expect(response.data?.removeTeamMembers.team?.members.totalCount).toBe(1);
    expect(await lastEvent(acme.tenantId)).toMatchObject({
      action: 'team.members_removed',
      targets: [{ type: 'team', id: team.id }],
      metadata: { removedUserIds: [] },
    });
  });

  it('refuses an empty list of users with BAD_USER_INPUT', async () => {
    const team = await createTeam('Empty');

    const response = await addMembers({ teamId: team.id, userIds: [] });

    expect(codes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.errors?.[0].extensions?.field).toEqual(['userIds']);
  });
});

describe('teams synced from the identity provider', () => {
  /** A tenant in `mode` with a SCIM-sourced team that has one member, and a MANUAL team. */
  async function syncedTenant(slug: string, mode: ProvisioningMode) {
    const tenant = await gateway.bootstrap(slug);
    const member = await person(tenant);
    const synced = await seed.team(tenant.tenantId, 'idp-group', [member.user]);
    const manual = await seed.team(tenant.tenantId, 'hand-made');
    const em = gateway.orm.em.fork();
    await em.nativeUpdate(Team, { id: synced.id }, { source: TeamSource.SCIM });
    await em.nativeUpdate(Tenant, { id: tenant.tenantId }, { provisioningMode: mode });
    const other = await person(tenant);

    return { tenant, member, other, synced, manual };
  }

  it('refuses every change to a SCIM team while the tenant is in SCIM mode', async () => {
    const { tenant, member, other, synced } = await syncedTenant('scimco', ProvisioningMode.SCIM);
    const teamId = synced.id;
    const before = await footprint(tenant.tenantId);

    const responses = [
      (
        await gateway.graphql(
          UpdateTeamDocument,
          { input: { teamId, description: 'x' } },
          tenant.adminToken,
        )
      ).data?.updateTeam,
      (await gateway.graphql(DeleteTeamDocument, { input: { teamId } }, tenant.adminToken)).data
        ?.deleteTeam,
      (await addMembers({ teamId, userIds: [other.user.id] }, tenant.adminToken)).data
        ?.addTeamMembers,
      (await removeMembers(teamId, [member.user.id], tenant.adminToken)).data?.removeTeamMembers,
    ];

    for (const payload of responses) {
      expect(payload?.userErrors).toEqual([
        {
          code: 'MANAGED_BY_IDP',
          field: ['teamId'],
          message: expect.stringMatching(/synced from the identity provider .* SCIM mode/),
        },
      ]);
    }
    expect(await footprint(tenant.tenantId)).toEqual(before);
  });

  it('allows changes to a hand-made team while the tenant is in SCIM mode', async () => {
    const { tenant, other, manual } = await syncedTenant('scimmix', ProvisioningMode.SCIM);

    const response = await addMembers(
      { teamId: manual.id, userIds: [other.user.id] },
      tenant.adminToken,
    );

    expect(response.data?.addTeamMembers.userErrors).toEqual([]);
  });

  it('allows changes to a SCIM team once the tenant has left SCIM mode', async () => {
    const { tenant, member, synced } = await syncedTenant('formerscim', ProvisioningMode.JIT);

    const removed = await removeMembers(synced.id, [member.user.id], tenant.adminToken);
    const renamed = await gateway.graphql(
      UpdateTeamDocument,
      { input: { teamId: synced.id, name: 'now-ours' } },
      tenant.adminToken,
    );

    expect(removed.data?.removeTeamMembers.userErrors).toEqual([]);
    expect(renamed.data?.updateTeam.team).toMatchObject({ name: 'now-ours', source: 'SCIM' });
  });

  it('asks the capability matrix, so only SCIM-sourced teams in a syncing mode are managed', () => {
    const managed = Object.values(ProvisioningMode).flatMap((provisioningMode) =>
      Object.values(TeamSource)
        .filter((source) => isManagedByIdp({ provisioningMode }, { source }))
        .map((source) => `${provisioningMode}/${source}`),
    );

    expect(managed).toEqual(['SCIM/SCIM']);
  });
});

describe('tenant isolation', () => {
  it("answers another tenant's team id exactly like an unknown id", async () => {
    const foreign = await createTeam('Foreign', globex);
    const ann = await person(acme);

    for (const teamId of [foreign.id, UNKNOWN_ID]) {
      const update = await gateway.graphql(
        UpdateTeamDocument,
        { input: { teamId, name: 'hijacked' } },
        acme.adminToken,
      );
      const add = await addMembers({ teamId, userIds: [ann.user.id] });
      const remove = await removeMembers(teamId, [ann.user.id]);
      const remove2 = await gateway.graphql(
        DeleteTeamDocument,
        { input: { teamId } },
        acme.adminToken,
      );

      const expected = [
        {
          code: 'NOT_FOUND',
          field: ['teamId'],
          message: `No team with id "${teamId}" exists in this tenant.`,
        },
      ];
      expect(update.data?.updateTeam.userErrors).toEqual(expected);
      expect(add.data?.addTeamMembers.userErrors).toEqual(expected);
      expect(remove.data?.removeTeamMembers.userErrors).toEqual(expected);
      expect(remove2.data?.deleteTeam.userErrors).toEqual(expected);
    }
    expect((await gateway.orm.em.fork().findOneOrFail(Team, foreign.id)).name).toBe('Foreign');
  });

  it("answers another tenant's user id like an unknown id when adding members", async () => {
    const outsider = await person(globex);
    const team = await createTeam('Insiders');

    const response = await addMembers({ teamId: team.id, userIds: [outsider.user.id] });

    expect(response.data?.addTeamMembers.userErrors).toEqual([
      {
        code: 'NOT_FOUND',
        field: ['userIds'],
        message:
          `No user exists in this tenant with id "${outsider.user.id}". ` +
          'Remove these ids from userIds.',
      },
    ]);
  });

  it("lets a tenant's ADMIN change only its own tenant's teams", async () => {
    const globexAdmin = await person(globex, { role: TenantRole.ADMIN });
    const team = await createTeam('AcmeOnly');

    const response = await gateway.graphql(
      DeleteTeamDocument,
      { input: { teamId: team.id } },
      globexAdmin.token,
    );

    expect(response.data?.deleteTeam.userErrors[0].code).toBe('NOT_FOUND');
    expect(await gateway.orm.em.fork().findOne(Team, team.id)).not.toBeNull();
  });
});
