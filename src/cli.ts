import 'reflect-metadata';
import { parseArgs } from 'node:util';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError, RequestErrorCode } from './common/errors';
import { resolveSecretKey } from './common/secret-key';
import { ConfigError, loadConfig } from './config';
import { openDatabase } from './db/database';
import { migrate, openOrm } from './db/orm';
import { createRuntime, type Runtime } from './runtime';
import { createServices } from './services';
import { TenantRole } from './user/user.entity';

const USAGE = `usage: npm run cli -- <command> [options]

commands:
  migrate                                                     apply pending migrations
  bootstrap --tenant <slug> --name <name> --admin-email <email>
                                                              create a tenant and its first ADMIN
  create-token --tenant <slug> --email <email> [--name <token name>]
                                                              a token for an ACTIVE user
  create-user --tenant <slug> --email <email> --role ADMIN|MEMBER
                                                              create an ACTIVE user (break-glass)
`;

class UsageError extends Error {}

type Options = Record<string, string | undefined>;

function required(options: Options, name: string): string {
  const value = options[name];
  if (!value) throw new UsageError(`missing --${name}`);

  return value;
}

type Command = (em: EntityManager, options: Options, runtime: Runtime) => Promise<object | null>;

const commands: Record<string, Command> = {
  migrate: async () => null,

  async bootstrap(em, options, runtime) {
    const result = await createServices(em, runtime).tenants.bootstrap({
      slug: required(options, 'tenant'),
      name: required(options, 'name'),
      adminEmail: required(options, 'admin-email'),
    });

    return {
      tenantId: result.tenant.id,
      tenantSlug: result.tenant.slug,
      adminUserId: result.admin.id,
      token: result.token,
    };
  },

  async 'create-token'(em, options, runtime) {
    const services = createServices(em, runtime);
    const tenant = await services.tenants.findBySlug(required(options, 'tenant'));
    const user = await services.users.findActiveByEmail(tenant, required(options, 'email'));
    const { token } = await em.transactional(async (tx) => {
      const created = createServices(tx, runtime).accessTokens.issue(
        tenant,
        user,
        options.name ?? 'cli',
      );
      await tx.flush();

      return created;
    });

    return { token };
  },

  async 'create-user'(em, options, runtime) {
    const role = required(options, 'role').toUpperCase();
    if (role !== TenantRole.ADMIN && role !== TenantRole.MEMBER) {
      throw new UsageError(`--role must be ADMIN or MEMBER; received "${options.role}"`);
    }
    const services = createServices(em, runtime);
    const tenant = await services.tenants.findBySlug(required(options, 'tenant'));
    const user = await services.users.createActive(tenant, required(options, 'email'), role);

    return { userId: user.id };
  },
};

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
};

/** Runs one CLI command; exit code 0 done, 1 refused by a rule, 2 bad usage, input or config. */
export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  try {
    return await run(argv, io);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      io.stderr(`error: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof DomainError) {
      io.stderr(`error: ${error.message}\n`);
      return error.code === RequestErrorCode.BAD_USER_INPUT ? 2 : 1;
    }
    io.stderr(`error: ${error instanceof Error ? error.stack : error}\n`);
    return 1;
  }
}

async function run(argv: string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parseCliArgs>;
  try {
    parsed = parseCliArgs(argv);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { positionals, values } = parsed;
  const command = commands[positionals[0] ?? ''];
  if (values.help || !command || positionals.length !== 1) {
    io.stderr(USAGE);

    return values.help ? 0 : 2;
  }

  const config = loadConfig(io.env);
  const database = await openDatabase(config);
  const orm = await openOrm({ url: database.url, poolMax: 1 });
  try {
    await migrate(orm);
    const runtime = createRuntime(config, resolveSecretKey(config));
    const output = await command(orm.em.fork(), values as Options, runtime);
    if (output) io.stdout(`${JSON.stringify(output)}\n`);

    return 0;
  } finally {
    await orm.close();
    await database.stop();
  }
}

function parseCliArgs(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      tenant: { type: 'string' },
      name: { type: 'string' },
      'admin-email': { type: 'string' },
      email: { type: 'string' },
      role: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

if (require.main === module) {
  void runCli(process.argv.slice(2)).then((code) => process.exit(code));
}
