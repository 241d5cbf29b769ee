// Load test of bearer authentication: serves the gateway in this process and asks for the
// viewer's id, once with a personal access token and once with a JWT from an identity provider
// whose JWKS endpoint runs on loopback, reporting throughput, latency and SQL per request.
//
// Without DATABASE_URL it runs on the embedded PostgreSQL, in memory; with it, on a fresh
// database created on that server and dropped afterwards. BENCH_DURATION (seconds, default 10)
// and BENCH_CONNECTIONS (default 10) tune each run.
import 'reflect-metadata';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import type { MikroORM } from '@mikro-orm/postgresql';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { migrate, openOrm } from '../src/db/orm';
import { startHttpServer } from '../src/http/server';
import { createLogger } from '../src/logger';
import type { Runtime } from '../src/runtime';
import { createServices } from '../src/services';
import {
  createBenchRuntime,
  type MeasuredRow,
  measure,
  openBenchDatabase,
  positiveIntFromEnv,
  printTable,
  runBench,
  StatementCounter,
} from './common';

const AUDIENCE = 'gateway-api';
const KID = 'bench-key-1';
const QUERY = JSON.stringify({ query: '{ viewer { id } }' });

interface Scenario {
  name: string;
  bearer: string;
}

/** A token issuer on loopback, publishing its public key at /jwks as a provider would. */
interface Issuer {
  url: string;
  jwksUri: string;
  mint(issuer: string): Promise<string>;
  stop(): Promise<void>;
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

    const issuer = await startIssuer();
    cleanup.unshift(() => issuer.stop());
    const runtime = createBenchRuntime();
    const { adminId, token, jwt } = await seed(orm, runtime, issuer);

    const log = createLogger('warn');
    const server = await startHttpServer({ orm, log, runtime, port: 0, host: '127.0.0.1' });
    cleanup.unshift(() => server.close(1_000));
    const url = `${server.url}/graphql`;
    const scenarios: Scenario[] = [
      { name: 'personal access token', bearer: token },
      { name: 'identity provider JWT', bearer: jwt },
    ];
    const rows: MeasuredRow[] = [];
    for (const scenario of scenarios) {
      // The check also warms the JWKS cache, so the run measures cached keys.
      await checkOnce(url, scenario, adminId);
      rows.push(await run(url, scenario, counter, { duration, connections }));
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

async function startIssuer(): Promise<Issuer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: KID, alg: 'RS256', use: 'sig' };
  const keys = JSON.stringify({ keys: [jwk] });
  const server: Server = createServer((req, res) => {
    if (req.url !== '/jwks') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(keys);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    jwksUri: `${url}/jwks`,
    mint(iss) {
      const now = Math.floor(Date.now() / 1000);

      return new SignJWT({ sub: 'bench-admin', email: 'admin@bench.test', email_verified: true })
        .setProtectedHeader({ alg: 'RS256', kid: KID })
        .setIssuedAt(now)
        .setExpirationTime(now + 3_600)
        .setIssuer(iss)
        .setAudience(AUDIENCE)
        .sign(privateKey);
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * Bootstraps the tenant and registers the loopback issuer through the services, as an operator
 * would. The token's iss is the issuer as stored, since the gateway normalises the URL.
 */
async function seed(orm: MikroORM, runtime: Runtime, issuer: Issuer) {
  const { admin, token } = await createServices(orm.em.fork(), runtime).tenants.bootstrap({
    slug: 'bench',
    name: 'Bench',
    adminEmail: 'admin@bench.test',
  });
  const services = createServices(orm.em.fork(), runtime);
  const actor = await services.accessTokens.authenticate(token);
  const provider = await services.identityProviders.add(actor, {
    name: 'Bench issuer',
    issuer: issuer.url,
    jwksUri: issuer.jwksUri,
    audiences: [AUDIENCE],
  });
  const jwt = await issuer.mint(provider.issuer);

  return { adminId: admin.id, token, jwt };
}

function requestOf(scenario: Scenario) {
  return {
    method: 'POST' as const,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${scenario.bearer}` },
    body: QUERY,
  };
}

/** A benchmark of a refused token measures nothing, so each scenario must first answer right. */
async function checkOnce(url: string, scenario: Scenario, adminId: string): Promise<void> {
  const response = await fetch(url, requestOf(scenario));
  const body = (await response.json()) as {
    data?: { viewer?: { id: string } | null } | null;
    errors?: unknown[];
  };
  if (response.status !== 200 || body.errors || body.data?.viewer?.id !== adminId) {
    throw new Error(
      `Scenario "${scenario.name}" expected HTTP 200 with the admin ${adminId} as viewer and ` +
        `no errors; received HTTP ${response.status}: ${JSON.stringify(body).slice(0, 2_000)}`,
    );
  }
}

async function run(
  url: string,
  scenario: Scenario,
  counter: StatementCounter,
  load: { duration: number; connections: number },
): Promise<MeasuredRow> {
  return measure(scenario.name, counter, {
    url,
    ...requestOf(scenario),
    ...load,
    // A GraphQL error still comes back as HTTP 200; a cheap substring test catches it.
    verifyBody: (body) => !String(body).includes('"errors"'),
  });
}

runBench(main);
