import { TenantRole, type User, UserStatus } from '../src/user/user.entity';
import { TeamByIdDocument, UsersDocument, type UsersQuery } from './generated/graphql';
import { type TenantFixture, TestGateway } from './helpers/gateway';
import { Seeder } from './helpers/seed';

let gateway: TestGateway;
let acme: TenantFixture;
let members: User[];
let teamId: string;
let emptyTeamId: string;

beforeAll(async () => {
  gateway = await TestGateway.start();
  acme = await gateway.bootstrap('acme');
  const seed = new Seeder(gateway.orm.em.fork());
  members = [];
  // Nine users plus the admin: ten in all, so a page of five divides them exactly.
  for (let i = 1; i <= 9; i += 1) {
    const status = i === 9 ? UserStatus.DEACTIVATED : UserStatus.ACTIVE;
    const role = i <= 2 ? TenantRole.ADMIN : TenantRole.MEMBER;
    members.push(
      await seed.user(acme.tenantId, `user${i}@acme.test`, {
        displayName: `Person ${i}`,
        role,
        status,
      }),
    );
  }
  members.push(await seed.user(acme.tenantId, 'a_b%c@acme.test', { displayName: 'Zed Wild' }));
  teamId = (await seed.team(acme.tenantId, 'core', members.slice(0, 7), [members[0]])).id;
  emptyTeamId = (await seed.team(acme.tenantId, 'empty')).id;
});

afterAll(() => gateway?.stop());

async function users(variables: Parameters<typeof gateway.graphql<unknown, object>>[1]) {
  return gateway.graphql(UsersDocument, variables as object, acme.adminToken);
}

async function allPages(first: number) {
  const pages: UsersQuery['users'][] = [];
  let after: string | null = null;
  for (;;) {
    const response = await gateway.graphql(UsersDocument, { first, after }, acme.adminToken);
    const connection: UsersQuery['users'] = response.data!.users;
    pages.push(connection);
    if (!connection.pageInfo.hasNextPage) return pages;
    after = connection.pageInfo.endCursor;
  }
}

describe('users connection', () => {
  it('walks every user exactly once across pages, in a stable order', async () => {
    const pages = await allPages(4);
    const ids = pages.flatMap((page) => page.edges.map((edge) => edge.node.id));

    expect(pages.map((page) => page.edges.length)).toEqual([4, 4, 3]);
    expect(new Set(ids).size).toBe(11);
    expect(pages.every((page) => page.totalCount === 11)).toBe(true);
    expect(pages.at(-1)?.pageInfo.hasNextPage).toBe(false);
  });

  it('reports no next page when the last page is exactly full', async () => {
    const first = await gateway.graphql(UsersDocument, { first: 11 }, acme.adminToken);

    expect(first.data?.users.edges).toHaveLength(11);
    expect(first.data?.users.pageInfo.hasNextPage).toBe(false);
  });

  it('returns an empty page after the last cursor', async () => {
    const full = await gateway.graphql(UsersDocument, { first: 100 }, acme.adminToken);
    const after = full.data!.users.pageInfo.endCursor;

    const response = await gateway.graphql(UsersDocument, { first: 5, after }, acme.adminToken);

    expect(response.data?.users).toMatchObject({
      edges: [],
      pageInfo: { hasNextPage: false, endCursor: null },
      totalCount: 11,
    });
  });

  it('returns scalar fields with their types, timestamps as ISO date-times', async () => {
    const response = await gateway.graphql(
      UsersDocument,
      { filter: { search: 'user1' } },
      acme.adminToken,
    );

    expect(response.data?.users.edges[0].node).toEqual({
      id: members[0].id,
      email: 'user1@acme.test',
      displayName: 'Person 1',
      role: 'ADMIN',
      status: 'ACTIVE',
      createdAt: members[0].createdAt.toISOString(),
    });
  });

  it('uses opaque cursors that do not expose the id', async () => {
    const response = await gateway.graphql(UsersDocument, { first: 1 }, acme.adminToken);
    const edge = response.data!.users.edges[0];

    expect(edge.cursor).not.toContain(edge.node.id);
    expect(response.data!.users.pageInfo.endCursor).toBe(edge.cursor);
  });

  it('accepts first = 0 and first = 100', async () => {
    const none = await gateway.graphql(UsersDocument, { first: 0 }, acme.adminToken);
    const max = await gateway.graphql(UsersDocument, { first: 100 }, acme.adminToken);

    expect(none.data?.users).toMatchObject({ edges: [], pageInfo: { hasNextPage: true } });
    expect(max.data?.users.edges).toHaveLength(11);
  });

  it.each([101, -1, 1000])('rejects first = %i with BAD_USER_INPUT', async (first) => {
    const response = await gateway.graphql(UsersDocument, { first }, acme.adminToken);

    expect(response.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0].message).toMatch(/first must be between 0 and 100/);
    expect(response.data).toBeNull();
  });

  it('rejects a cursor this API did not issue with BAD_USER_INPUT', async () => {
    const response = await gateway.graphql(
      UsersDocument,
      { first: 5, after: 'bm90LWEtY3Vyc29y' },
      acme.adminToken,
    );

    expect(response.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: ['after'],
    });
  });

  it('rejects a variable of the wrong type with BAD_USER_INPUT, not a 500', async () => {
    const response = await users({ filter: { status: 'NOPE' } });

    expect(response.status).toBe(400);
    expect(response.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('rejects an unknown enum literal as a validation failure', async () => {
    const response = await gateway.graphql(
      'query { users(filter: { status: NOPE }) { totalCount } }',
      {},
      acme.adminToken,
    );

    expect(response.status).toBe(400);
    expect(response.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('users filter', () => {
  const emails = (response: Awaited<ReturnType<typeof users>>) =>
    (response.data as { users: { edges: { node: { email: string } }[] } }).users.edges
      .map((edge) => edge.node.email)
      .sort();

  it('filters by status', async () => {
    const response = await users({ filter: { status: 'DEACTIVATED' } });

    expect(emails(response)).toEqual(['user9@acme.test']);
  });

  it('filters by role', async () => {
    const response = await users({ filter: { role: 'ADMIN' } });

    expect(emails(response)).toEqual(['admin@acme.test', 'user1@acme.test', 'user2@acme.test']);
  });

  it('filters by team', async () => {
    const response = await users({ first: 100, filter: { teamId } });

    expect(emails(response)).toHaveLength(7);
    expect((response.data as { users: { totalCount: number } }).users.totalCount).toBe(7);
  });

  it('matches an email prefix ignoring case', async () => {
    const response = await users({ filter: { search: 'USER1' } });

    expect(emails(response)).toEqual(['user1@acme.test']);
  });

  it('matches a display-name prefix ignoring case', async () => {
    const response = await users({ filter: { search: 'zed w' } });

    expect(emails(response)).toEqual(['a_b%c@acme.test']);
  });

  it('treats % and _ in a search literally', async () => {
    const wildcard = await users({ filter: { search: '%' } });
    const underscore = await users({ filter: { search: 'a_b' } });
    const notAWildcard = await users({ filter: { search: 'a_' } });

    expect(emails(wildcard)).toEqual([]);
    expect(emails(underscore)).toEqual(['a_b%c@acme.test']);
    expect(emails(notAWildcard)).toEqual(['a_b%c@acme.test']);
  });

  it('combines filters', async () => {
    const response = await users({ filter: { teamId, role: 'MEMBER', search: 'user' } });

    expect(emails(response)).toEqual([
      'user3@acme.test',
      'user4@acme.test',
      'user5@acme.test',
      'user6@acme.test',
      'user7@acme.test',
    ]);
  });
});

describe('team members connection', () => {
  it('pages through a team and lists its managers', async () => {
    const first = await gateway.graphql(
      TeamByIdDocument,
      { id: teamId, first: 4 },
      acme.adminToken,
    );
    const team = first.data!.team!;
    const second = await gateway.graphql(
      TeamByIdDocument,
      { id: teamId, first: 4, after: team.members.pageInfo.endCursor },
      acme.adminToken,
    );

    expect(team.managers.map((user) => user.email)).toEqual(['user1@acme.test']);
    expect(team.members).toMatchObject({ totalCount: 7, pageInfo: { hasNextPage: true } });
    expect(team.members.edges).toHaveLength(4);
    expect(second.data!.team!.members.edges).toHaveLength(3);
    expect(second.data!.team!.members.pageInfo.hasNextPage).toBe(false);
    const seen = [...team.members.edges, ...second.data!.team!.members.edges].map((e) => e.node.id);
    expect(new Set(seen).size).toBe(7);
  });

  it('returns an empty connection for a team without members', async () => {
    const response = await gateway.graphql(TeamByIdDocument, { id: emptyTeamId }, acme.adminToken);

    expect(response.data?.team?.members).toMatchObject({
      totalCount: 0,
      edges: [],
      pageInfo: { hasNextPage: false, endCursor: null },
    });
    expect(response.data?.team?.managers).toEqual([]);
  });

  it('rejects first above 100 on members too', async () => {
    const response = await gateway.graphql(
      TeamByIdDocument,
      { id: teamId, first: 101 },
      acme.adminToken,
    );

    expect(response.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});
