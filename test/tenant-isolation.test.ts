import { AccessToken } from '../src/auth/access-token.entity';
import {
  CurrentTenantDocument,
  ResourcesDocument,
  RevokeAccessTokenDocument,
  TeamByIdDocument,
  TeamsWithMembersDocument,
  UserByIdDocument,
  UsersDocument,
  ViewerDocument,
} from './generated/graphql';
import { type TenantFixture, TestGateway } from './helpers/gateway';
import { Seeder } from './helpers/seed';

let gateway: TestGateway;
let acme: TenantFixture;
let globex: TenantFixture;
const globexIds: { user: string; team: string; resource: string; token: string } = {
  user: '',
  team: '',
  resource: '',
  token: '',
};

beforeAll(async () => {
  gateway = await TestGateway.start();
  acme = await gateway.bootstrap('acme');
  globex = await gateway.bootstrap('globex');
  const seed = new Seeder(gateway.orm.em.fork());
  const acmeUser = await seed.user(acme.tenantId, 'ann@acme.test');
  await seed.team(acme.tenantId, 'acme-team', [acmeUser]);
  const user = await seed.user(globex.tenantId, 'gus@globex.test');
  const team = await seed.team(globex.tenantId, 'globex-team', [user], [user]);
  const resource = await seed.resource(globex.tenantId, 'globex-ws', user, [team]);
  const [token] = await gateway.orm.em.fork().find(AccessToken, { user: globex.adminId });
  Object.assign(globexIds, {
    user: user.id,
    team: team.id,
    resource: resource.id,
    token: token.id,
  });
});

afterAll(() => gateway?.stop());

describe('tenant isolation', () => {
  it("resolves the viewer and tenant from the caller's own token", async () => {
    const viewer = await gateway.graphql(ViewerDocument, {}, acme.adminToken);
    const tenant = await gateway.graphql(CurrentTenantDocument, {}, acme.adminToken);

    expect(viewer.data?.viewer.id).toBe(acme.adminId);
    expect(tenant.data?.tenant).toMatchObject({ id: acme.tenantId, slug: 'acme' });
  });

  it("answers another tenant's user id exactly like an unknown id", async () => {
    const foreign = await gateway.graphql(
      UserByIdDocument,
      { id: globexIds.user },
      acme.adminToken,
    );
    const unknown = await gateway.graphql(
      UserByIdDocument,
      { id: '01a23c07-0000-7000-8000-000000000000' },
      acme.adminToken,
    );

    expect(foreign).toMatchObject({ status: 200, data: { user: null } });
    expect(foreign.errors).toBeUndefined();
    expect(foreign.data).toEqual(unknown.data);
  });

  it("answers another tenant's team id like an unknown id", async () => {
    const response = await gateway.graphql(
      TeamByIdDocument,
      { id: globexIds.team },
      acme.adminToken,
    );

    expect(response.errors).toBeUndefined();
    expect(response.data?.team).toBeNull();
  });

  it("finds no user when filtering by another tenant's team", async () => {
    const response = await gateway.graphql(
      UsersDocument,
      { filter: { teamId: globexIds.team } },
      acme.adminToken,
    );

    expect(response.data?.users).toMatchObject({ totalCount: 0, edges: [] });
  });

  it("lists only the caller's tenant's users, teams and resources", async () => {
    const users = await gateway.graphql(UsersDocument, { first: 100 }, acme.adminToken);
    const teams = await gateway.graphql(TeamsWithMembersDocument, {}, acme.adminToken);
    const resources = await gateway.graphql(ResourcesDocument, {}, acme.adminToken);

    const emails = users.data?.users.edges.map((edge) => edge.node.email);
    expect(emails?.sort()).toEqual(['admin@acme.test', 'ann@acme.test']);
    expect(teams.errors).toBeUndefined();
    expect(teams.data?.teams.edges.map((edge) => edge.node.name)).toEqual(['acme-team']);
    expect(resources.data?.resources.totalCount).toBe(0);
  });

  it("reports NOT_FOUND when revoking another tenant's token, and leaves it valid", async () => {
    const response = await gateway.graphql(
      RevokeAccessTokenDocument,
      { input: { id: globexIds.token } },
      acme.adminToken,
    );

    expect(response.data?.revokeAccessToken.userErrors[0]?.code).toBe('NOT_FOUND');
    const stillValid = await gateway.graphql(ViewerDocument, {}, globex.adminToken);
    expect(stillValid.data?.viewer.id).toBe(globex.adminId);
  });

  it('treats an id that is not a UUID as unknown rather than failing', async () => {
    const user = await gateway.graphql(UserByIdDocument, { id: 'not-a-uuid' }, acme.adminToken);
    const team = await gateway.graphql(TeamByIdDocument, { id: "1' or 1=1" }, acme.adminToken);

    expect(user).toMatchObject({ status: 200, data: { user: null } });
    expect(team).toMatchObject({ status: 200, data: { team: null } });
  });
});
