import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { MikroORM } from '@mikro-orm/postgresql';
import { type DocumentNode, print } from 'graphql';
import { type Argon2Settings, loadConfig } from '../../src/config';
import { migrate, openOrm } from '../../src/db/orm';
import { type RunningServer, startHttpServer } from '../../src/http/server';
import { createLogger } from '../../src/logger';
import { type MailConfig, MailWorker, type MailWorkerTuning } from '../../src/mail/mail.worker';
import { createRuntime, type Runtime } from '../../src/runtime';
import { createServices } from '../../src/services';
import { createTestDatabase, type TestDatabase } from './database';

export interface GraphQLResponse<T> {
  status: number;
  headers: Headers;
  data?: T | null;
  errors?: { message: string; path?: string[]; extensions?: Record<string, unknown> }[];
}

/**
 * Runs a mail worker beside the gateway. Unset settings take their defaults, except that without
 * `smtpUrl` or `dataDir` the `.eml` files go to a new temporary directory.
 */
export type TestMailOptions = Partial<MailConfig> & MailWorkerTuning;

export interface TestGatewayOptions {
  /** The password hashing cost; by default the lowest, since most tests only need it to work. */
  argon2?: Argon2Settings;
}

/** Argon2id at its cheapest, for tests that hash passwords without measuring them. */
export const TEST_ARGON2: Argon2Settings = { memoryKib: 64, iterations: 1, parallelism: 1 };

export interface TenantFixture {
  tenantId: string;
  slug: string;
  adminId: string;
  adminToken: string;
}

/** A real gateway on loopback, over its own database, with helpers to call it. */
export class TestGateway {
  private constructor(
    /** Every log line the gateway wrote, for assertions about what logs contain. */
    readonly logLines: string[],
    readonly orm: MikroORM,
    readonly runtime: Runtime,
    private readonly server: RunningServer,
    private readonly database: TestDatabase,
    private readonly mailWorker?: MailWorker,
  ) {}

  /** Without `mail`, queued mail stays queued, as the tests that do not look at it expect. */
  static async start(
    mail?: TestMailOptions,
    options: TestGatewayOptions = {},
  ): Promise<TestGateway> {
    const database = await createTestDatabase();
    const orm = await openOrm({ url: database.url, poolMax: process.env.DATABASE_URL ? 10 : 1 });
    await migrate(orm);
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    let mailWorker: MailWorker | undefined;
    const runtime = testRuntime(() => mailWorker?.wake(), options.argon2);
    const log = createLogger('info', sink);
    const server = await startHttpServer({ orm, log, runtime, port: 0, host: '127.0.0.1' });
    if (mail) {
      mailWorker = startMailWorker(mail, { orm, log, outbox: runtime.outbox });
    }

    return new TestGateway(lines, orm, runtime, server, database, mailWorker);
  }

  get url(): string {
    return this.server.url;
  }

  async stop(): Promise<void> {
    await this.server.close(1_000);
    await this.mailWorker?.stop();
    await this.orm.close();
    await this.database.drop();
  }

  /** Creates a tenant and its first admin exactly as the CLI does. */
  async bootstrap(slug: string, adminEmail = `admin@${slug}.test`): Promise<TenantFixture> {
    const result = await createServices(this.orm.em.fork(), this.runtime).tenants.bootstrap({
      slug,
      name: `Tenant ${slug}`,
      adminEmail,
    });

    return {
      tenantId: result.tenant.id,
      slug,
      adminId: result.admin.id,
      adminToken: result.token,
    };
  }

  async graphql<TData, TVariables>(
    document: TypedDocumentNode<TData, TVariables> | DocumentNode | string,
    variables?: TVariables,
    token?: string,
    headers: Record<string, string> = {},
  ): Promise<GraphQLResponse<TData>> {
    const query = typeof document === 'string' ? document : print(document);
    const response = await fetch(`${this.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as Omit<GraphQLResponse<TData>, 'status' | 'headers'>;

    return { status: response.status, headers: response.headers, ...body };
  }

  /** Counts the SQL statements the gateway runs while `action` is in progress. */
  async countStatements(action: () => Promise<unknown>): Promise<number> {
    const knex = this.orm.em.getConnection().getKnex();
    let count = 0;
    const listener = () => {
      count += 1;
    };
    knex.on('query', listener);
    try {
      await action();
    } finally {
      knex.off('query', listener);
    }

    return count;
  }
}

/** The runtime a test gateway uses: a fixed key, and links under a recognisable base URL. */
export function testRuntime(onMailQueued?: () => void, argon2 = TEST_ARGON2): Runtime {
  return createRuntime(
    { publicUrl: 'http://gateway.test', invitationTtlHours: 24 * 7, argon2 },
    'test-secret-key-that-is-long-enough-for-aes',
    onMailQueued,
  );
}

function startMailWorker(
  options: TestMailOptions,
  deps: Parameters<typeof MailWorker.fromConfig>[1],
): MailWorker {
  const { pollIntervalMs, batchSize, claimMs, ...settings } = options;
  const config = { ...loadConfig({ NODE_ENV: 'test' }), ...settings };
  if (!config.smtpUrl && !settings.dataDir) {
    config.dataDir = mkdtempSync(join(tmpdir(), 'igw-mail-'));
  }
  const worker = MailWorker.fromConfig(config, deps, { pollIntervalMs, batchSize, claimMs });
  worker.start();

  return worker;
}
