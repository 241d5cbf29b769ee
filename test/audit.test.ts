import {
  AuditEventsDocument,
  CreateAccessTokenDocument,
  DeactivateUserDocument,
  InviteUserDocument,
} from './generated/graphql';
import { type TenantFixture, TestGateway } from './helpers/gateway';
import { errorCodes } from './helpers/graphql';
import { Seeder } from './helpers/seed';

let gateway: TestGateway;
let acme: TenantFixture;
let memberId: string;
let memberToken: string;
let invitedId: string;

beforeAll(async () => {
  gateway = await TestGateway.start();
  acme = await gateway.bootstrap('acme');
  await gateway.bootstrap('globex');
  const seed = new Seeder(gateway.orm.em.fork());
  const member = await seed.user(acme.tenantId, 'member@acme.test');
  memberId = member.id;
  memberToken = await seed.token(member);
  const invited = await gateway.graphql(
    InviteUserDocument,
    { input: { email: 'guest@partner.test' } },
    acme.adminToken,
    { 'x-request-id': 'req-invite-1', 'user-agent': 'audit-test/1.0' },
  );
  invitedId = invited.data!.inviteUser.user!.id;
  await gateway.graphql(DeactivateUserDocument, { input: { userId: invitedId } }, acme.adminToken);
  await gateway.graphql(CreateAccessTokenDocument, { input: { name: 'mine' } }, memberToken);
});

afterAll(() => gateway?.stop());

const events = (
  token: string,
  variables: Parameters<typeof gateway.graphql<unknown, object>>[1] = {},
) => gateway.graphql(AuditEventsDocument, variables as object, token);

describe('auditEvents', () => {
  it('lists events newest first, with actor, targets and request details', async () => {
    const response = await events(acme.adminToken, { first: 10 });
    const nodes = response.data!.auditEvents.edges.map((edge) => edge.node);

    expect(nodes.map((node) => node.action)).toEqual([
      'access_token.created',
      'user.deactivated',
      'user.invited',
      'tenant.bootstrapped',
    ]);
    const invited = nodes[2];
    expect(invited.actor).toEqual({ type: 'USER', id: acme.adminId, email: 'admin@acme.test' });
    expect(invited.targets).toContainEqual({
      type: 'user',
      id: invitedId,
      display: 'guest@partner.test',
    });
    expect(invited).toMatchObject({ requestId: 'req-invite-1', userAgent: 'audit-test/1.0' });
    expect(invited.ip).toMatch(/127\.0\.0\.1/);
    expect(nodes[3].actor).toEqual({ type: 'SYSTEM', id: null, email: null });
  });

  it('filters by action, actor and target, and by time', async () => {
    const byAction = await events(acme.adminToken, { filter: { action: 'user.invited' } });
    const byActor = await events(acme.adminToken, { filter: { actorId: memberId } });
    const byTarget = await events(acme.adminToken, { filter: { targetId: invitedId } });
    const future = await events(acme.adminToken, {
      filter: { since: new Date(Date.now() + 60_000).toISOString() },
    });
    const past = await events(acme.adminToken, { filter: { until: '2000-01-01T00:00:00Z' } });

    expect(byAction.data?.auditEvents.totalCount).toBe(1);
    expect(byActor.data?.auditEvents.edges.map((e) => e.node.action)).toEqual([
      'access_token.created',
    ]);
    expect(byTarget.data?.auditEvents.edges.map((e) => e.node.action)).toEqual([
      'user.deactivated',
      'user.invited',
    ]);
    expect(future.data?.auditEvents.totalCount).toBe(0);
    expect(past.data?.auditEvents.totalCount).toBe(0);
  });

  it('pages with cursors without repeating or skipping an event', async () => {
    const first = await events(acme.adminToken, { first: 3 });
    const second = await events(acme.adminToken, {
      first: 3,
      after: first.data!.auditEvents.pageInfo.endCursor,
    });
    const all = await events(acme.adminToken, { first: 100 });

    const paged = [...first.data!.auditEvents.edges, ...second.data!.auditEvents.edges].map(
      (edge) => edge.node.id,
    );
    expect(paged).toEqual(all.data!.auditEvents.edges.map((edge) => edge.node.id));
    expect(second.data?.auditEvents.pageInfo.hasNextPage).toBe(false);
  });

  it('shows a MEMBER only the events it caused, whatever actor it asks for', async () => {
    const own = await events(memberToken);
    const asked = await events(memberToken, { filter: { actorId: acme.adminId } });

    expect(own.data?.auditEvents.edges.map((e) => e.node.actor.id)).toEqual([memberId]);
    expect(asked.data?.auditEvents.edges.map((e) => e.node.actor.id)).toEqual([memberId]);
  });

  it("never shows another tenant's events", async () => {
    const response = await events(acme.adminToken, { first: 100 });

    const slugs = response.data!.auditEvents.edges.flatMap((e) => e.node.targets);
    expect(slugs.some((target) => target.display === 'globex')).toBe(false);
  });

  it('needs a signed-in caller', async () => {
    const response = await gateway.graphql(AuditEventsDocument, {});

    expect(response.status).toBe(401);
    expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
  });
});
