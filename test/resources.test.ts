import { ResourceRole } from '../src/resource/resource-collaborator.entity';
import { TenantRole, type User, UserStatus } from '../src/user/user.entity';
import {
  AddResourceCollaboratorDocument,
  type AddResourceCollaboratorInput,
  CreateResourceDocument,
  RemoveResourceCollaboratorDocument,
  type RemoveResourceCollaboratorInput,
  VisibleResourcesDocument,
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
function person(tenant: TenantFixture, fields: Partial<Pick<User, 'role' | 'status'>> = {}) {
  emails += 1;

  return seed.userWithToken(tenant.tenantId, `person${emails}@${tenant.slug}.test`, fields);
}

/** Creates a resource as the holder of `token`, who becomes its ADMIN collaborator. */
async function createResource(name: string, token: string) {
  const response = await gateway.graphql(
    CreateResourceDocument,
    { input: { kind: 'WORKSPACE', name } },
    token,
  );
  expect(response.data?.createResource.userErrors).toEqual([]);

  return response.data!.createResource.resource!;
}

function addCollaborator(input: AddResourceCollaboratorInput, token: string) {
  return gateway.graphql(AddResourceCollaboratorDocument, { input }, token);
}

function removeCollaborator(input: RemoveResourceCollaboratorInput, token: string) {
  return gateway.graphql(RemoveResourceCollaboratorDocument, { input }, token);
}

async function visibleNames(token: string): Promise<string[]> {
  const response = await gateway.graphql(VisibleResourcesDocument, {}, token);
  expect(response.errors).toBeUndefined();

  return response.data!.resources.edges.map((edge) => edge.node.name).sort();
}

/** Row counts that any resource mutation would change, to prove a refused one changed nothing. */
async function footprint(tenantId: string) {
  const [row] = await gateway.orm.em
    .fork()
    .getConnection()
    .execute(
      `select (select count(*) from "resource" where tenant_id = ?) as resources,
            (select json_agg(json_build_array(id, role) order by id)
               from "resource_collaborator" where tenant_id = ?) as grants,
            (select count(*) from "audit_event" where tenant_id = ?) as events`,
      [tenantId, tenantId, tenantId],
    );

  return row;
}

async function lastEvent(tenantId: string) {
  return (await storedAuditEvents(gateway.orm.em.fork(), tenantId)).at(-1)!;
}

describe('createResource', () => {
  it('makes a MEMBER who creates a resource its ADMIN collaborator and records it', async () => {
    const maker = await person(acme);

    const response = await gateway.graphql(
      CreateResourceDocument,
      { input: { kind: 'CLUSTER', name: '  gpu-east  ' } },
      maker.token,
    );

    const resource = response.data!.createResource.resource!;
    expect(response.data?.createResource.userErrors).toEqual([]);
    expect(resource).toMatchObject({
      name: 'gpu-east',
      kind: 'CLUSTER',
      createdByEmail: maker.user.email,
      createdBy: { id: maker.user.id },
      collaborators: [{ role: 'ADMIN', user: { id: maker.user.id }, team: null }],
    });
    expect(await lastEvent(acme.tenantId)).toEqual({
      action: 'resource.created',
      actorType: 'USER',
      actorId: maker.user.id,
      targets: [{ type: 'resource', id: resource.id, display: 'gpu-east' }],
      metadata: { kind: 'CLUSTER' },
    });
  });

  it.each([
    ['empty', '   '],
    ['longer than 200 characters', 'r'.repeat(201)],
  ])('refuses a name that is %s with INVALID_NAME and writes nothing', async (_, name) => {
    const before = await footprint(acme.tenantId);

    const response = await gateway.graphql(
      CreateResourceDocument,
      { input: { kind: 'MODEL', name } },
      acme.adminToken,
    );

    expect(response.data?.createResource).toEqual({
      resource: null,
      userErrors: [expect.objectContaining({ code: 'INVALID_NAME', field: ['name'] })],
    });
    expect(await footprint(acme.tenantId)).toEqual(before);
  });
});

describe('the resources query', () => {
  it('shows a MEMBER only the resources shared with them directly or through a team', async () => {
    const [reader, owner] = await Promise.all([person(globex), person(globex)]);
    const team = await seed.team(globex.tenantId, 'readers', [reader.user]);
    await createResource('own', reader.token);
    const viaTeam = await createResource('via-team', owner.token);
    const direct = await createResource('direct', owner.token);
    await createResource('private', owner.token);
    await addCollaborator(
      { resourceId: viaTeam.id, teamId: team.id, role: ResourceRole.VIEWER },
      owner.token,
    );
    await addCollaborator(
      { resourceId: direct.id, userId: reader.user.id, role: ResourceRole.EDITOR },
      owner.token,
    );

    const response = await gateway.graphql(VisibleResourcesDocument, {}, reader.token);

    expect(response.data?.resources.totalCount).toBe(3);
    expect(await visibleNames(reader.token)).toEqual(['direct', 'own', 'via-team']);
    expect(await visibleNames(globex.adminToken)).toEqual(['direct', 'own', 'private', 'via-team']);
  });

  it("never shows another tenant's resources, even to an ADMIN", async () => {
    const outsider = await person(globex);
    await createResource('globex-only', outsider.token);

    expect(await visibleNames(acme.adminToken)).not.toContain('globex-only');
  });
});

describe('resource collaborators', () => {
  it('lets an ADMIN collaborator add a user and a team, and records both', async () => {
    const [owner, ann] = await Promise.all([person(acme), person(acme)]);
    const team = await seed.team(acme.tenantId, 'analysts');
    const resource = await createResource('warehouse', owner.token);

    const user = await addCollaborator(
      { resourceId: resource.id, userId: ann.user.id, role: ResourceRole.EDITOR },
      owner.token,
    );
    const userEvent = await lastEvent(acme.tenantId);
    const teamGrant = await addCollaborator(
      { resourceId: resource.id, teamId: team.id, role: ResourceRole.VIEWER },
      owner.token,
    );

    expect(user.data?.addResourceCollaborator.userErrors).toEqual([]);
    expect(teamGrant.data?.addResourceCollaborator.resource?.collaborators).toEqual([
      { role: 'ADMIN', user: { id: owner.user.id }, team: null },
      { role: 'EDITOR', user: { id: ann.user.id }, team: null },
      { role: 'VIEWER', user: null, team: { id: team.id } },
    ]);
    expect(userEvent).toEqual({
      action: 'resource.collaborator_added',
      actorType: 'USER',
      actorId: owner.user.id,
      targets: [
        { type: 'resource', id: resource.id, display: 'warehouse' },
        { type: 'user', id: ann.user.id, display: ann.user.email },
      ],
      metadata: { role: 'EDITOR', previousRole: null },
    });
    expect((await lastEvent(acme.tenantId)).targets[1]).toEqual({
      type: 'team',
      id: team.id,
      display: 'analysts',
    });
  });

  it("changes an existing collaborator's role when they are added again", async () => {
    const [owner, ann] = await Promise.all([person(acme), person(acme)]);
    const resource = await createResource('lake', owner.token);
    const grant = { resourceId: resource.id, userId: ann.user.id };
    await addCollaborator({ ...grant, role: ResourceRole.VIEWER }, owner.token);

    const response = await addCollaborator({ ...grant, role: ResourceRole.ADMIN }, owner.token);

    expect(response.data?.addResourceCollaborator.resource?.collaborators).toHaveLength(2);
    expect(response.data?.addResourceCollaborator.resource?.collaborators[1]).toEqual({
      role: 'ADMIN',
      user: { id: ann.user.id },
      team: null,
    });
    expect((await lastEvent(acme.tenantId)).metadata).toEqual({
      role: 'ADMIN',
      previousRole: 'VIEWER',
    });
  });

  it('lets a tenant ADMIN manage the collaborators of any resource', async () => {
    const [owner, ann] = await Promise.all([person(acme), person(acme)]);
    const resource = await createResource('anyone', owner.token);

    const response = await addCollaborator(
      { resourceId: resource.id, userId: ann.user.id, role: ResourceRole.VIEWER },
      acme.adminToken,
    );

    expect(response.data?.addResourceCollaborator.userErrors).toEqual([]);
  });

  it('refuses a collaborator who is not an ADMIN of the resource with FORBIDDEN', async () => {
    const [owner, editor, stranger] = await Promise.all([person(acme), person(acme), person(acme)]);
    const resource = await createResource('guarded', owner.token);
    await addCollaborator(
      { resourceId: resource.id, userId: editor.user.id, role: ResourceRole.EDITOR },
      owner.token,
    );
    const before = await footprint(acme.tenantId);

    const byEditor = await addCollaborator(
      { resourceId: resource.id, userId: stranger.user.id, role: ResourceRole.VIEWER },
      editor.token,
    );
    const byStranger = await removeCollaborator(
      { resourceId: resource.id, userId: editor.user.id },
      stranger.token,
    );

    expect(codes(byEditor)).toEqual(['FORBIDDEN']);
    expect(byEditor.errors?.[0].message).toMatch(/ADMIN role or the ADMIN role on that resource/);
    expect(codes(byStranger)).toEqual(['FORBIDDEN']);
    expect(await footprint(acme.tenantId)).toEqual(before);
  });

  it("does not let a team's ADMIN grant its members manage collaborators", async () => {
    const [owner, teammate, ann] = await Promise.all([person(acme), person(acme), person(acme)]);
    const team = await seed.team(acme.tenantId, 'admins-by-team', [teammate.user]);
    const resource = await createResource('team-admin', owner.token);
    await addCollaborator(
      { resourceId: resource.id, teamId: team.id, role: ResourceRole.ADMIN },
      owner.token,
    );

    const response = await addCollaborator(
      { resourceId: resource.id, userId: ann.user.id, role: ResourceRole.VIEWER },
      teammate.token,
    );

    expect(codes(response)).toEqual(['FORBIDDEN']);
  });

  it('refuses to remove or demote the last ADMIN collaborator with LAST_ADMIN', async () => {
    const [owner, ann] = await Promise.all([person(acme), person(acme)]);
    const resource = await createResource('single-admin', owner.token);
    const before = await footprint(acme.tenantId);
    const owned = { resourceId: resource.id, userId: owner.user.id };

    const removed = await removeCollaborator(owned, acme.adminToken);
    const demoted = await addCollaborator({ ...owned, role: ResourceRole.EDITOR }, owner.token);

    for (const payload of [
      removed.data?.removeResourceCollaborator,
      demoted.data?.addResourceCollaborator,
    ]) {
      expect(payload).toEqual({
        resource: null,
        userErrors: [
          {
            code: 'LAST_ADMIN',
            field: ['userId'],
            message: expect.stringContaining('Make another user an ADMIN collaborator first'),
          },
        ],
      });
    }
    expect(await footprint(acme.tenantId)).toEqual(before);

    await addCollaborator(
      { resourceId: resource.id, userId: ann.user.id, role: ResourceRole.ADMIN },
      owner.token,
    );
    const handedOver = await removeCollaborator(owned, owner.token);
    expect(handedOver.data?.removeResourceCollaborator.resource?.collaborators).toEqual([
      { role: 'ADMIN', user: { id: ann.user.id }, team: null },
    ]);
    expect(await lastEvent(acme.tenantId)).toMatchObject({
      action: 'resource.collaborator_removed',
      actorId: owner.user.id,
      targets: [
        { type: 'resource', id: resource.id },
        { type: 'user', id: owner.user.id },
      ],
      metadata: { previousRole: 'ADMIN' },
    });
  });

  it('treats removing a user who is no collaborator as a no-op', async () => {
    const [owner, ann] = await Promise.all([person(acme), person(acme)]);
    const resource = await createResource('untouched', owner.token);

    const response = await removeCollaborator(
      { resourceId: resource.id, userId: ann.user.id },
      owner.token,
    );

    expect(response.data?.removeResourceCollaborator.userErrors).toEqual([]);
    expect(response.data?.removeResourceCollaborator.resource?.collaborators).toHaveLength(1);
    expect((await lastEvent(acme.tenantId)).metadata).toEqual({ previousRole: null });
  });

  it.each([
    ['neither userId nor teamId', {}, 'neither'],
    ['both userId and teamId', { userId: UNKNOWN_ID, teamId: UNKNOWN_ID }, 'both'],
  ])(
    'requires exactly one of userId and teamId, refusing %s with BAD_USER_INPUT',
    async (_, subject, received) => {
      const response = await addCollaborator(
        { resourceId: UNKNOWN_ID, role: ResourceRole.VIEWER, ...subject },
        acme.adminToken,
      );

      expect(codes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.errors?.[0].message).toBe(
        `Give exactly one of userId and teamId; received ${received}.`,
      );
    },
  );

  it('refuses to give a DEACTIVATED user access with INVALID_STATE', async () => {
    const gone = await seed.user(acme.tenantId, 'gone@acme.test', {
      status: UserStatus.DEACTIVATED,
    });
    const resource = await createResource('alive-only', acme.adminToken);
    const before = await footprint(acme.tenantId);

    const response = await addCollaborator(
      { resourceId: resource.id, userId: gone.id, role: ResourceRole.VIEWER },
      acme.adminToken,
    );

    expect(response.data?.addResourceCollaborator.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID_STATE', field: ['userId'] }),
    ]);
    expect(await footprint(acme.tenantId)).toEqual(before);
  });
});

describe('tenant isolation', () => {
  it("answers another tenant's resource, user and team ids like unknown ids", async () => {
    const outsider = await person(globex);
    const foreignTeam = await seed.team(globex.tenantId, 'foreign-team');
    const foreign = await createResource('foreign', outsider.token);
    const own = await createResource('home', acme.adminToken);
    const before = await footprint(globex.tenantId);
    const role = ResourceRole.VIEWER;
    const cases: [AddResourceCollaboratorInput, string, 'resourceId' | 'userId' | 'teamId'][] = [
      [{ resourceId: foreign.id, userId: acme.adminId, role }, 'resource', 'resourceId'],
      [{ resourceId: own.id, userId: outsider.user.id, role }, 'user', 'userId'],
      [{ resourceId: own.id, teamId: foreignTeam.id, role }, 'team', 'teamId'],
    ];

    for (const [input, kind, field] of cases) {
      const notFound = (missing: string) => [
        {
          code: 'NOT_FOUND',
          field: [field],
          message: `No ${kind} with id "${missing}" exists in this tenant.`,
        },
      ];
      const foreignResponse = await addCollaborator(input, acme.adminToken);
      const unknownResponse = await addCollaborator(
        { ...input, [field]: UNKNOWN_ID },
        acme.adminToken,
      );

      expect(foreignResponse.data?.addResourceCollaborator.userErrors).toEqual(
        notFound(String(input[field])),
      );
      expect(unknownResponse.data?.addResourceCollaborator.userErrors).toEqual(
        notFound(UNKNOWN_ID),
      );
    }
    expect(await footprint(globex.tenantId)).toEqual(before);
  });

  it("answers another tenant's ADMIN removing a collaborator with NOT_FOUND", async () => {
    const outsider = await person(globex, { role: TenantRole.ADMIN });
    const own = await createResource('mine-alone', acme.adminToken);

    const response = await removeCollaborator(
      { resourceId: own.id, userId: acme.adminId },
      outsider.token,
    );

    expect(response.data?.removeResourceCollaborator.userErrors).toEqual([
      expect.objectContaining({ code: 'NOT_FOUND', field: ['resourceId'] }),
    ]);
  });
});
