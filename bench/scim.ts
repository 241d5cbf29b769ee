// Load test of the SCIM 2.0 adapter over 100,000 users: seeds a throwaway database, switches the
// tenant to SCIM mode with a token, serves the gateway in this process and drives what an
// identity provider sends with autocannon: userName lookups, a deep page and user creation.
// It reports throughput, latency and SQL statements per request, and checks with EXPLAIN that
// the userName lookup is answered from an index.
//
// Without DATABASE_URL it runs on the embedded PostgreSQL, in memory; with it, on a fresh
// database created on that server and dropped afterwards. BENCH_DURATION (seconds, default 10)
// and BENCH_CONNECTIONS (default 10, for the reads) tune each run; creation always runs at 1
// and at 16 connections.
import 'reflect-metadata';
import { randomInt } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { MikroORM } from '@mikro-orm/postgresql';
import { v7 } from 'uuid';
import { migrate, openOrm } from '../src/db/orm';
import { startHttpServer } from '../src/http/server';
import { createLogger } from '../src/logger';
import type { Runtime } from '../src/runtime';
import { translateFilter } from '../src/scim/filter';
import { USER_FILTER_SCHEMA } from '../src/scim/scim-filter-schemas';
import { CORE_USER, DEFAULT_COUNT } from '../src/scim/scim-schemas';
import { createServices } from '../src/services';
import { ProvisioningMode } from '../src/tenant/tenant.entity';
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
const BATCH = 5_000;
/** With the admin there are USERS + 1 users, so this page is full. */
const DEEP_START_INDEX = 99_901;
const DEEP_COUNT = 100;
const CREATE_CONNECTIONS = [1, 16];

/** Where the gateway serves this tenant's SCIM API, and the token the IdP holds. */
interface ScimTarget {
  origin: string;
  basePath: string;
  token: string;
}

interface ScimRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
}

interface Scenario {
  name: string;
  connections: number;
  /** Called once per request, so that each request may differ from the last. */
  next(): ScimRequest;
  expectedStatus: number;
  /** A cheap test of each response body, so that a wrong answer is not timed as a right one. */
  verify(body: string): boolean;
}

interface PlanCheck {
  statement: string;
  plan: string[];
  /** The index that answers the userName condition, if any does. */
  index?: string;
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
    const { tenantId, scimBaseUrl, token } = await seed(orm, runtime);
    const seconds = (performance.now() - started) / 1000;
    console.log(`seeded ${USERS} users in ${seconds.toFixed(1)} s`);
    const plans = await explainLookup(orm, tenantId);

    const log = createLogger('warn');
    const server = await startHttpServer({ orm, log, runtime, port: 0, host: '127.0.0.1' });
    const profile = await startProfile(process.env.BENCH_PROFILE);
    cleanup.unshift(() => profile.stop());
    cleanup.unshift(() => server.close(1_000));
    const target = { origin: server.url, basePath: new URL(scimBaseUrl).pathname, token };
    const rows: MeasuredRow[] = [];
    for (const scenario of scenarios(connections)) {
      await checkOnce(target, scenario);
      rows.push(await run(target, scenario, counter, duration));
    }

    console.log(`\nnode ${process.version}, ${availableParallelism()} CPUs`);
    console.log(`database: ${database.label}`);
    console.log(
      `${duration} s per scenario; reads at ${connections} connections; ` +
        'autocannon shares the event loop with the server\n',
    );
    printTable(rows);
    const indexed = printPlans(plans);
    const failed = rows.filter((row) => row.non2xx > 0 || row.badBodies > 0);
    if (failed.length > 0) {
      const names = failed.map((row) => `${row.scenario} (${row.badBodies} wrong bodies)`);
      throw new Error(`Some responses failed or answered wrongly: ${names.join(', ')}.`);
    }
    if (!indexed) {
      throw new Error('The userName lookup reads app_user without its userName index.');
    }
  } finally {
    for (const close of cleanup) await close();
  }
}

/** User `n`, from 1 to USERS, has `user<n>@bench.test` as both email and userName. */
const seededUserName = (n: number) => `user${n}@bench.test`;

/**
 * Bootstraps the tenant and switches it to SCIM mode through the services, as an admin would,
 * then bulk-inserts the users with set-based SQL, which is far faster than 100,000 entities
 * through the unit of work. Ids are UUIDv7 made here in creation order, because SCIM pages
 * order by id.
 */
async function seed(
  orm: MikroORM,
  runtime: Runtime,
): Promise<{ tenantId: string; scimBaseUrl: string; token: string }> {
  const services = createServices(orm.em.fork(), runtime);
  const bootstrapped = await services.tenants.bootstrap({
    slug: 'bench',
    name: 'Bench',
    adminEmail: 'admin@bench.test',
  });
  const admin = await services.accessTokens.authenticate(bootstrapped.token);
  await services.provisioning.setMode(admin, ProvisioningMode.SCIM, false);
  const { token, scimBaseUrl } = await services.scimTokens.rotate(admin, 0);
  const tenantId = bootstrapped.tenant.id;

  const connection = orm.em.getConnection();
  for (let first = 0; first < USERS; first += BATCH) {
    const userIds = Array.from({ length: Math.min(BATCH, USERS - first) }, () => v7());
    await connection.execute(
      `insert into "app_user" ("id", "tenant_id", "email", "user_name", "display_name",
         "source", "created_at", "updated_at")
       select u.id, ?, 'user' || (? + u.n) || '@bench.test', 'user' || (? + u.n) || '@bench.test',
              'Member ' || (? + u.n), 'SCIM', now(), now()
       from unnest(?::uuid[]) with ordinality as u(id, n)`,
      [tenantId, first, first, first, pgArray(userIds)],
    );
  }

  // A server's autovacuum would analyze the new rows in its own time, possibly mid-run, and
  // PGlite has no autovacuum; without statistics the planner guesses as if the table were empty.
  await connection.execute('vacuum analyze "app_user"');

  return { tenantId, scimBaseUrl, token };
}

/**
 * EXPLAIN of the two statements a `userName eq` lookup runs, built as ScimDirectory builds
 * them: the filter through the same translator and schema, then the count and the page.
 */
async function explainLookup(orm: MikroORM, tenantId: string): Promise<PlanCheck[]> {
  const connection = orm.em.getConnection();
  const filter = translateFilter(`userName eq "${seededUserName(USERS / 2)}"`, USER_FILTER_SCHEMA);
  const from = `from "app_user" u where u.tenant_id = ? and (${filter.sql})`;
  const values = [tenantId, ...filter.params];
  const statements = [
    { sql: `select count(*)::int as total ${from}`, values },
    {
      sql: `select u.* ${from} order by u.id limit ? offset ?`,
      values: [...values, DEFAULT_COUNT, 0],
    },
  ];
  const indexes: { indexname: string; indexdef: string }[] = await connection.execute(
    `select indexname, indexdef from pg_indexes where tablename = 'app_user'`,
  );
  const coversUserName = new Set(
    indexes.filter((index) => index.indexdef.includes('user_name')).map((index) => index.indexname),
  );

  const checks: PlanCheck[] = [];
  for (const statement of statements) {
    const rows: { 'QUERY PLAN': string }[] = await connection.execute(
      `explain ${statement.sql}`,
      statement.values,
    );
    const plan = rows.map((row) => row['QUERY PLAN']);
    const seqScan = plan.some((line) => /Seq Scan on app_user/.test(line));
    const used = plan.flatMap((line) => {
      const match = /Index (?:Only )?Scan using (\S+)|Bitmap Index Scan on (\S+)/.exec(line);
      return match ? [match[1] ?? match[2]] : [];
    });
    const index = seqScan ? undefined : used.find((name) => coversUserName.has(name));
    checks.push({ statement: statement.sql.replace(/\s+/g, ' '), plan, index });
  }

  return checks;
}

/** Prints each plan with a PASS or FAIL line; true when every statement used the index. */
function printPlans(checks: PlanCheck[]): boolean {
  for (const check of checks) {
    console.log(`\nEXPLAIN ${check.statement}`);
    for (const line of check.plan) console.log(`  ${line}`);
    console.log(
      check.index
        ? `PASS: uses an index (${check.index}) for the userName lookup`
        : 'FAIL: does not use an index on user_name for the userName lookup',
    );
  }

  return checks.every((check) => check.index !== undefined);
}

function scenarios(connections: number): Scenario[] {
  let created = 0;
  const createUser = (): ScimRequest => {
    created += 1;
    const userName = `scim${created}@bench.test`;
    const body = {
      schemas: [CORE_USER],
      userName,
      name: { givenName: 'Provisioned', familyName: `User ${created}` },
      emails: [{ value: userName, type: 'work', primary: true }],
      active: true,
    };

    return { method: 'POST', path: '/Users', body: JSON.stringify(body) };
  };

  return [
    {
      name: `userName eq (random of ${USERS})`,
      connections,
      next: () => {
        const filter = `userName eq "${seededUserName(randomInt(1, USERS + 1))}"`;
        return { method: 'GET', path: `/Users?filter=${encodeURIComponent(filter)}` };
      },
      expectedStatus: 200,
      verify: (body) => body.includes('"totalResults":1,'),
    },
    {
      name: `GET startIndex=${DEEP_START_INDEX}&count=${DEEP_COUNT}`,
      connections,
      next: () => ({
        method: 'GET',
        path: `/Users?startIndex=${DEEP_START_INDEX}&count=${DEEP_COUNT}`,
      }),
      expectedStatus: 200,
      verify: (body) => body.includes(`"itemsPerPage":${DEEP_COUNT},`),
    },
    // Reads go first, so that they see exactly the seeded users and the plan EXPLAIN printed.
    ...CREATE_CONNECTIONS.map((count) => ({
      name: `POST /Users, ${count} connection${count === 1 ? '' : 's'}`,
      connections: count,
      next: createUser,
      expectedStatus: 201,
      verify: (body: string) => body.includes('"userName":"scim'),
    })),
  ];
}

function headersOf(target: ScimTarget, request: ScimRequest): Record<string, string> {
  return {
    authorization: `Bearer ${target.token}`,
    ...(request.body === undefined ? {} : { 'content-type': 'application/scim+json' }),
  };
}

/** A benchmark of a failing request measures nothing, so each scenario must first answer right. */
async function checkOnce(target: ScimTarget, scenario: Scenario): Promise<void> {
  const request = scenario.next();
  const response = await fetch(`${target.origin}${target.basePath}${request.path}`, {
    method: request.method,
    headers: headersOf(target, request),
    body: request.body,
  });
  const body = await response.text();
  if (response.status !== scenario.expectedStatus || !scenario.verify(body)) {
    throw new Error(
      `Scenario "${scenario.name}" expected HTTP ${scenario.expectedStatus} with a matching ` +
        `body; received HTTP ${response.status}: ${body.slice(0, 2_000)}`,
    );
  }
}

async function run(
  target: ScimTarget,
  scenario: Scenario,
  counter: StatementCounter,
  duration: number,
): Promise<MeasuredRow> {
  return measure(scenario.name, counter, {
    url: target.origin,
    connections: scenario.connections,
    duration,
    requests: [
      {
        setupRequest: (request) => {
          const next = scenario.next();
          return {
            ...request,
            method: next.method,
            path: `${target.basePath}${next.path}`,
            headers: headersOf(target, next),
            body: next.body,
          };
        },
      },
    ],
    verifyBody: (body) => scenario.verify(String(body)),
  });
}

runBench(main);
