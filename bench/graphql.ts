// Load test of the GraphQL read API over 100,000 users: seeds a throwaway database, serves the
// gateway in this process and drives three queries with autocannon, reporting throughput,
// latency and how many SQL statements each request cost.
//
// Without DATABASE_URL it runs on the embedded PostgreSQL, in memory; with it, on a fresh
// database created on that server and dropped afterwards. BENCH_DURATION (seconds, default 10)
// and BENCH_CONNECTIONS (default 10) tune each run.
import 'reflect-metadata';
import { availableParallelism } from 'node:os';
import type { MikroORM } from '@mikro-orm/postgresql';
import { v7 } from 'uuid';
import { migrate, openOrm } from '../src/db/orm';
import { encodeCursor } from '../src/graphql/pagination';
import { startHttpServer } from '../src/http/server';
import { createLogger } from '../src/logger';
import type { Runtime } from '../src/runtime';
import { createServices } from '../src/services';
import {
  createBenchRuntime,
  type MeasuredRow,
  measure,
  openBenchDatabase,
  pgArray,
  positiveIntFromEnv,
  printTable,
  runBench,
  StatementCounter,
  startProfile,
} from './common';

const USERS = 100_000;
const TEAMS = 500;
const BATCH = 5_000;
const PAGE = 50;
/**
 * The deep page starts after the user at this 0-based position in id order. With the admin
 * there are USERS + 1 users, so USERS - DEEP_OFFSET of them follow it.
 */
const DEEP_OFFSET = 99_950;
const SEARCH = 'user9999';
/** `user9999` itself and `user99990` to `user99999`. */
const SEARCH_MATCHES = 11;

interface Scenario {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  expectedEdges: number;
}

async function main(): Promise<void> {
  const duration = positiveIntFromEnv('BENCH_DURATION', 10);
  const connections = positiveIntFromEnv('BENCH_CONNECTIONS', 10);
  const database = await openBenchDatabase();
  const cleanup: (() => Promise<unknown>)[] = [() => database.drop()];
  try {
    // The embedded database serves one connection at a time, as in the gateway itself.
    const orm = await openOrm({ url: database.url, poolMax: database.embedded ? 1 : 10 });
    cleanup.unshift(() => orm.close());
    await migrate(orm);
    const counter = new StatementCounter(orm);

    const started = performance.now();
    const runtime = createBenchRuntime();
    const { tenantId, token } = await seed(orm, runtime);
    const seconds = (performance.now() - started) / 1000;
    console.log(`seeded ${USERS} users in ${TEAMS} teams in ${seconds.toFixed(1)} s`);

    const log = createLogger('warn');
    const server = await startHttpServer({ orm, log, runtime, port: 0, host: '127.0.0.1' });
    const profile = await startProfile(process.env.BENCH_PROFILE);
    cleanup.unshift(() => profile.stop());
    cleanup.unshift(() => server.close(1_000));
    const target = { url: `${server.url}/graphql`, token };
    const rows: MeasuredRow[] = [];
    for (const scenario of await scenarios(orm, tenantId)) {
      await checkOnce(target, scenario);
      rows.push(await run(target, scenario, counter, { duration, connections }));
    }

    console.log(`\nnode ${process.version}, ${availableParallelism()} CPUs`);
    console.log(`database: ${database.label}`);
    console.log(
      `${connections} connections for ${duration} s per scenario; ` +
        'autocannon shares the event loop with the server\n',
    );
    printTable(rows);
    const failed = rows.filter((row) => row.non2xx > 0 || row.badBodies > 0);
    if (failed.length > 0) {
      const names = failed.map((row) => `${row.scenario} (${row.badBodies} with errors)`);
      throw new Error(`Some responses failed or carried GraphQL errors: ${names.join(', ')}.`);
    }
  } finally {
    for (const close of cleanup) await close();
  }
}

/**
 * Bootstraps the tenant through the service, as an operator would, then bulk-inserts the rest
 * with set-based SQL, which is far faster than 100,000 entities through the unit of work.
 * User `n` has the email `user<n>@bench.test`; ids are UUIDv7 made here in creation order,
 * because pagination orders by id.
 */
async function seed(orm: MikroORM, runtime: Runtime): Promise<{ tenantId: string; token: string }> {
  const { tenant, token } = await createServices(orm.em.fork(), runtime).tenants.bootstrap({
    slug: 'bench',
    name: 'Bench',
    adminEmail: 'admin@bench.test',
  });
  const connection = orm.em.getConnection();
  const teamIds = Array.from({ length: TEAMS }, () => v7());
  await connection.execute(
    `insert into "team" ("id", "tenant_id", "name", "created_at", "updated_at")
     select t.id, ?, 'team-' || lpad(t.n::text, 3, '0'), now(), now()
     from unnest(?::uuid[]) with ordinality as t(id, n)`,
    [tenant.id, pgArray(teamIds)],
  );

  for (let first = 0; first < USERS; first += BATCH) {
    const userIds = Array.from({ length: Math.min(BATCH, USERS - first) }, () => v7());
    await connection.execute(
      `insert into "app_user" ("id", "tenant_id", "email", "user_name", "display_name",
         "created_at", "updated_at")
       select u.id, ?, 'user' || (? + u.n) || '@bench.test', 'user' || (? + u.n) || '@bench.test',
              'Member ' || (? + u.n), now(), now()
       from unnest(?::uuid[]) with ordinality as u(id, n)`,
      [tenant.id, first, first, first, pgArray(userIds)],
    );
    const memberships = membershipsOf(first, userIds, teamIds);
    await connection.execute(
      `insert into "team_membership" ("id", "tenant_id", "team_id", "user_id", "is_manager",
         "created_at")
       select m.id, ?, m.team_id, m.user_id, m.is_manager, now()
       from unnest(?::uuid[], ?::uuid[], ?::uuid[], ?::boolean[])
         as m(id, team_id, user_id, is_manager)`,
      [
        tenant.id,
        pgArray(memberships.map(() => v7())),
        pgArray(memberships.map((m) => m.teamId)),
        pgArray(memberships.map((m) => m.userId)),
        pgArray(memberships.map((m) => m.isManager)),
      ],
    );
  }

  // A server's autovacuum would analyze the new rows in its own time, possibly mid-run, and
  // PGlite has no autovacuum; without statistics the planner guesses as if the tables were empty.
  await connection.execute('vacuum analyze "app_user", "team", "team_membership"');

  return { tenantId: tenant.id, token };
}

/**
 * The 0-based user `i` joins team `i mod TEAMS`, and every third user also the team half-way
 * round; the first two users of each team (i < 2 × TEAMS) manage it.
 */
function membershipsOf(first: number, userIds: string[], teamIds: string[]) {
  return userIds.flatMap((userId, offset) => {
    const i = first + offset;
    const team = i % TEAMS;
    const primary = { teamId: teamIds[team], userId, isManager: i < 2 * TEAMS };
    if (i % 3 !== 0) return [primary];
    const second = teamIds[(team + TEAMS / 2) % TEAMS];

    return [primary, { teamId: second, userId, isManager: false }];
  });
}

async function scenarios(orm: MikroORM, tenantId: string): Promise<Scenario[]> {
  const [deep] = await orm.em
    .getConnection()
    .execute<{ id: string }[]>(
      'select id from "app_user" where tenant_id = ? order by id offset ? limit 1',
      [tenantId, DEEP_OFFSET],
    );

  return [
    {
      name: 'first page + teams',
      query: `query { users(first: ${PAGE}) { edges { node { email
        teams { isManager team { name managers { email } } } } } } }`,
      expectedEdges: PAGE,
    },
    {
      name: 'deep page',
      query: `query($after: String) { users(first: ${PAGE}, after: $after) {
        pageInfo { hasNextPage endCursor } edges { node { email } } } }`,
      variables: { after: encodeCursor(deep.id) },
      expectedEdges: Math.min(PAGE, USERS - DEEP_OFFSET),
    },
    {
      name: 'prefix search',
      query: `query { users(first: ${PAGE}, filter: { search: "${SEARCH}" }) {
        edges { node { email displayName } } } }`,
      expectedEdges: SEARCH_MATCHES,
    },
  ];
}

interface Target {
  url: string;
  token: string;
}

function requestOf(target: Target, scenario: Scenario) {
  return {
    method: 'POST' as const,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${target.token}` },
    body: JSON.stringify({ query: scenario.query, variables: scenario.variables }),
  };
}

/** A benchmark of a failing query measures nothing, so each scenario must first answer right. */
async function checkOnce(target: Target, scenario: Scenario): Promise<void> {
  const response = await fetch(target.url, requestOf(target, scenario));
  const body = (await response.json()) as {
    data?: { users?: { edges: unknown[] } } | null;
    errors?: unknown[];
  };
  const edges = body.data?.users?.edges.length;
  if (response.status !== 200 || body.errors || edges !== scenario.expectedEdges) {
    throw new Error(
      `Scenario "${scenario.name}" expected HTTP 200 with ${scenario.expectedEdges} edges and ` +
        `no errors; received HTTP ${response.status}: ${JSON.stringify(body).slice(0, 2_000)}`,
    );
  }
}

async function run(
  target: Target,
  scenario: Scenario,
  counter: StatementCounter,
  load: { duration: number; connections: number },
): Promise<MeasuredRow> {
  return measure(scenario.name, counter, {
    url: target.url,
    ...requestOf(target, scenario),
    ...load,
    // A GraphQL error still comes back as HTTP 200; a cheap substring test catches it.
    verifyBody: (body) => !String(body).includes('"errors"'),
  });
}

runBench(main);
