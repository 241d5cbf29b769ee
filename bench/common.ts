// What the load benchmarks share: a throwaway database, the process runtime, statement counting,
// environment settings, a CPU profile and the table of figures.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import type { MikroORM } from '@mikro-orm/postgresql';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { startEmbeddedDatabase } from '../src/db/embedded';
import { createRuntime, type Runtime } from '../src/runtime';

/** The origin every URL the services build starts with; a bench swaps in its server's own. */
export const BENCH_PUBLIC_URL = 'http://bench.test';

export interface BenchDatabase {
  url: string;
  label: string;
  embedded: boolean;
  drop(): Promise<void>;
}

/** A database used by this run alone, so seeding never touches data anyone keeps. */
export async function openBenchDatabase(): Promise<BenchDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const embedded = await startEmbeddedDatabase();

    return {
      url: embedded.url,
      label: 'embedded PGlite, in memory',
      embedded: true,
      drop: embedded.stop,
    };
  }

  const name = `igw_bench_${randomBytes(4).toString('hex')}`;
  const version = await onServer(serverUrl, async (client) => {
    await client.query(`create database "${name}"`);
    const result = await client.query<{ server_version: string }>('show server_version');

    return result.rows[0].server_version;
  });
  const url = new URL(serverUrl);
  const server = url.host;
  url.pathname = `/${name}`;

  return {
    url: url.toString(),
    label: `PostgreSQL ${version} at ${server}`,
    embedded: false,
    async drop() {
      await onServer(serverUrl, (client) => client.query(`drop database "${name}" with (force)`));
    },
  };
}

async function onServer<T>(url: string, action: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await action(client);
  } finally {
    await client.end();
  }
}

/** A runtime with a fresh secret key; nothing it encrypts outlives the run. */
export function createBenchRuntime(): Runtime {
  return createRuntime(
    { publicUrl: BENCH_PUBLIC_URL, invitationTtlHours: 1 },
    randomBytes(32).toString('hex'),
  );
}

/** Counts every statement sent through the ORM's connection pool, whoever sends it. */
export class StatementCounter {
  count = 0;

  constructor(orm: MikroORM) {
    orm.em
      .getConnection()
      .getKnex()
      .on('query', () => {
        this.count += 1;
      });
  }

  /**
   * autocannon stops on a deadline, while the server still finishes the requests it had
   * accepted; waiting for the count to stand still lets those statements land in the total.
   */
  async settle(quietMs = 250): Promise<void> {
    let last = -1;
    while (last !== this.count) {
      last = this.count;
      await new Promise((resolve) => setTimeout(resolve, quietMs));
    }
  }
}

export function positiveIntFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${name} must be a positive whole number; received "${raw}".`);
  }

  return value;
}

/** An array literal; the elements are UUIDs and booleans, which need no quoting. */
export function pgArray(values: readonly (string | boolean)[]): string {
  return `{${values.join(',')}}`;
}

/**
 * With BENCH_PROFILE set to a file name, records a CPU profile of the load runs alone (not the
 * seeding) for Chrome DevTools or any .cpuprofile viewer.
 */
export async function startProfile(file: string | undefined): Promise<{ stop(): Promise<void> }> {
  if (!file) return { stop: async () => {} };
  const session = new Session();
  session.connect();
  const post = (method: string) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, (error, result) => (error ? reject(error) : resolve(result))),
    );
  await post('Profiler.enable');
  await post('Profiler.start');

  return {
    async stop() {
      const { profile } = (await post('Profiler.stop')) as { profile: object };
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
      console.log(`CPU profile written to ${file}`);
    },
  };
}

/** One row of figures per scenario, as both benchmarks report them. */
export interface Row {
  scenario: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  statementsPerRequest: number;
  non2xx: number;
}

/** A row measured by `measure`, with the responses whose body the scenario refused. */
export interface MeasuredRow extends Row {
  badBodies: number;
}

/**
 * Runs one autocannon load and reads its figures, counting the SQL statements sent meanwhile.
 * In-flight statements are let settle on both sides, so each run counts only its own.
 */
export async function measure(
  scenario: string,
  counter: StatementCounter,
  options: autocannon.Options,
): Promise<MeasuredRow> {
  await counter.settle();
  const before = counter.count;
  const result = await autocannon(options);
  await counter.settle();

  return {
    scenario,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    statementsPerRequest: (counter.count - before) / Math.max(1, result.requests.sent),
    non2xx: result.non2xx,
    badBodies: result.mismatches,
  };
}

/** Runs a benchmark's main function and exits 0, or 1 with the error's stack. */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error instanceof Error ? error.stack : error);
      process.exit(1);
    },
  );
}

export function printTable(rows: Row[]): void {
  const header = ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'SQL/req', 'non-2xx'];
  const lines = rows.map((row) => [
    row.scenario,
    row.requestsPerSecond.toFixed(1),
    row.p50.toFixed(0),
    row.p99.toFixed(0),
    row.statementsPerRequest.toFixed(2),
    String(row.non2xx),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => line[column].length)),
  );
  const format = (cells: string[]) =>
    cells
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]),
      )
      .join('  ');
  console.log(format(header));
  console.log(format(widths.map((width) => '-'.repeat(width))));
  for (const line of lines) console.log(format(line));
}
