import type { User } from '../src/user/user.entity';
import {
  ResourcesDocument,
  TeamsWithMembersDocument,
  UsersWithTeamManagersDocument,
  ViewerDocument,
} from './generated/graphql';
import { type TenantFixture, TestGateway } from './helpers/gateway';
import { Seeder } from './helpers/seed';

let gateway: TestGateway;
let acme: TenantFixture;

beforeAll(async () => {
  gateway = await TestGateway.start();
  acme = await gateway.bootstrap('acme');
  const seed = new Seeder(gateway.orm.em.fork());
  const users: User[] = [];
  for (let i = 0; i < 120; i += 1) {
    users.push(await seed.user(acme.tenantId, `user${String(i).padStart(3, '0')}@acme.test`));
  }
  // Twelve teams of 20 overlapping members, two managers each: every user is in two teams.
  for (let t = 0; t < 12; t += 1) {
    const members = Array.from({ length: 20 }, (_, k) => users[(t * 10 + k) % 120]);
    await seed.team(acme.tenantId, `team-${t}`, members, members.slice(0, 2));
  }
  for (let r = 0; r < 30; r += 1) await seed.resource(acme.tenantId, `ws-${r}`, users[r]);
  // The first request of a token records lastUsedAt; make it now so counts below are steady.
  await gateway.graphql(ViewerDocument, {}, acme.adminToken);
});

afterAll(() => gateway?.stop());

async function statementsFor(run: () => Promise<{ errors?: unknown }>): Promise<number> {
  return gateway.countStatements(async () => {
    const response = await run();
    expect(response.errors).toBeUndefined();
  });
}

describe('batched loading', () => {
  it('runs as many SQL statements for 100 users with teams and managers as for 10', async () => {
    const query = (first: number) => () =>
      gateway.graphql(UsersWithTeamManagersDocument, { first }, acme.adminToken);

    const ten = await statementsFor(query(10));
    const hundred = await statementsFor(query(100));
    const response = await query(100)();

    const nodes = response.data!.users.edges.map((edge) => edge.node);
    expect(nodes).toHaveLength(100);
    expect(nodes.some((node) => node.teams.length === 2)).toBe(true);
    expect(nodes.flatMap((node) => node.teams)[0].team.managers).toHaveLength(2);
    expect(hundred).toBe(ten);
    // token lookup, users page, memberships with teams, managers with users
    expect(hundred).toBe(4);
  });

  it('loads each team page of members in one statement for all teams', async () => {
    const query = (first: number) => () =>
      gateway.graphql(TeamsWithMembersDocument, { first, membersFirst: 5 }, acme.adminToken);

    const two = await statementsFor(query(2));
    const twelve = await statementsFor(query(12));
    const response = await query(12)();

    expect(twelve).toBe(two);
    const teams = response.data!.teams.edges.map((edge) => edge.node);
    expect(teams).toHaveLength(12);
    expect(teams.every((team) => team.members.edges.length === 5)).toBe(true);
    expect(teams.every((team) => team.members.totalCount === 20)).toBe(true);
  });

  it('loads resource collaborators and creators in a fixed number of statements', async () => {
    const query = (first: number) => () =>
      gateway.graphql(ResourcesDocument, { first }, acme.adminToken);

    const three = await statementsFor(query(3));
    const thirty = await statementsFor(query(30));
    const response = await query(30)();

    expect(thirty).toBe(three);
    const node = response.data!.resources.edges[4].node;
    expect(node.createdBy?.email).toBe('user004@acme.test');
    expect(node.collaborators).toEqual([
      { role: 'ADMIN', user: { email: 'user004@acme.test' }, team: null },
    ]);
  });
});
