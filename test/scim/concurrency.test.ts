import type { MikroORM } from '@mikro-orm/postgresql';
import { openOrm } from '../../src/db/orm';
import { type RunningServer, startHttpServer } from '../../src/http/server';
import { createLogger } from '../../src/logger';
import type { TenantFixture } from '../helpers/gateway';
import { TestGateway } from '../helpers/gateway';
import { expectScimError, patchOp, ScimClient, scimUser } from '../helpers/scim';

const RACERS = 20;

let gateway: TestGateway;
let tenant: TenantFixture;
let scim: ScimClient;

beforeAll(async () => {
  gateway = await TestGateway.start();
  tenant = await gateway.bootstrap('racing');
  scim = await ScimClient.forTenant(gateway, tenant);
});

afterAll(() => gateway?.stop());

/** The same userName with a different mix of upper and lower case for each racer. */
function mixedCase(userName: string, seed: number): string {
  return [...userName]
    .map((char, i) => ((seed >> (i % 5)) & 1 ? char.toUpperCase() : char.toLowerCase()))
    .join('');
}

/** Each racer sends its own email, so only the userName collides and the database decides. */
const racer = (userName: string, i: number) =>
  scimUser(mixedCase(userName, i), {
    emails: [{ value: `racer${i}.${userName}`, type: 'work', primary: true }],
  });

async function rowsNamed(userName: string): Promise<number> {
  const [{ count }] = await gateway.orm.em
    .fork()
    .getConnection()
    .execute(
      'select count(*)::int as count from "app_user" where tenant_id = ? and lower(user_name) = ?',
      [tenant.tenantId, userName.toLowerCase()],
    );

  return count;
}

async function expectOneWinner(responses: Awaited<ReturnType<ScimClient['post']>>[]) {
  const statuses = responses.map((response) => response.status);

  expect(statuses.filter((status) => status >= 500)).toEqual([]);
  expect(statuses.filter((status) => status === 201)).toHaveLength(1);
  for (const response of responses.filter((candidate) => candidate.status !== 201)) {
    expectScimError(response, 409, 'uniqueness');
  }
}

it('creates exactly one user when 20 requests race with one userName in mixed case', async () => {
  const userName = 'Race.Winner@racing.test';

  const responses = await Promise.all(
    Array.from({ length: RACERS }, (_, i) => scim.post('/Users', racer(userName, i))),
  );

  await expectOneWinner(responses);
  expect(await rowsNamed(userName)).toBe(1);
  expect((await scim.find('/Users', `userName eq "${userName}"`)).body.totalResults).toBe(1);
  expect(gateway.logLines.filter((line) => line.includes('unexpected SCIM error'))).toEqual([]);
});

it('creates exactly one group when 20 requests race with one name in mixed case', async () => {
  const responses = await Promise.all(
    Array.from({ length: RACERS }, (_, i) =>
      scim.post('/Groups', { displayName: mixedCase('Race-Team', i) }),
    ),
  );

  await expectOneWinner(responses);
  expect((await scim.find('/Groups', 'displayName eq "race-team"')).body.totalResults).toBe(1);
});

it('keeps every member when 20 requests add members to one group at once', async () => {
  const group = await scim.post('/Groups', { displayName: 'crowded' });
  const members: string[] = [];
  for (let i = 0; i < RACERS; i += 1) {
    members.push((await scim.post('/Users', scimUser(`member${i}@racing.test`))).body.id);
  }

  const responses = await Promise.all(
    members.map((value) =>
      scim.patch(
        `/Groups/${group.body.id}`,
        patchOp({ op: 'add', path: 'members', value: [{ value }] }),
      ),
    ),
  );

  expect(responses.map((response) => response.status)).toEqual(members.map(() => 204));
  const read = await scim.get(`/Groups/${group.body.id}`);
  expect(read.body.members.map((m: { value: string }) => m.value).sort()).toEqual(
    [...members].sort(),
  );
  expect(read.body.meta.version).toBe(`W/"${RACERS + 1}"`);
});

describe('with two instances of the gateway on one database', () => {
  let secondOrm: MikroORM;
  let second: RunningServer;

  beforeAll(async () => {
    secondOrm = await openOrm({
      url: gateway.orm.config.getClientUrl(true),
      poolMax: process.env.DATABASE_URL ? 10 : 1,
    });
    second = await startHttpServer({
      orm: secondOrm,
      log: createLogger('silent'),
      runtime: gateway.runtime,
      port: 0,
      host: '127.0.0.1',
    });
  });

  afterAll(async () => {
    await second?.close(1_000);
    await secondOrm?.close();
  });

  it('serves the same tenant from the second instance', async () => {
    const response = await scim.at(second.url).get('/Users?count=1');

    expect(response.status).toBe(200);
    expect(response.body.totalResults).toBeGreaterThanOrEqual(1);
  });

  it('creates exactly one user when the race is split between the instances', async () => {
    const userName = 'Split.Race@racing.test';
    const clients = [scim, scim.at(second.url)];

    const responses = await Promise.all(
      Array.from({ length: RACERS }, (_, i) => clients[i % 2].post('/Users', racer(userName, i))),
    );

    await expectOneWinner(responses);
    expect(await rowsNamed(userName)).toBe(1);
  });

  it('creates exactly one user when split racers also share one email', async () => {
    const userName = 'Same.Email@racing.test';
    const clients = [scim, scim.at(second.url)];

    const responses = await Promise.all(
      Array.from({ length: RACERS }, (_, i) =>
        clients[i % 2].post('/Users', scimUser(mixedCase(userName, i))),
      ),
    );

    await expectOneWinner(responses);
    expect(await rowsNamed(userName)).toBe(1);
  });
});
