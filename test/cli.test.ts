import { type CliIo, runCli } from '../src/cli';
import { ConfigError, loadConfig } from '../src/config';
import { ViewerDocument } from './generated/graphql';
import { TestGateway } from './helpers/gateway';

let gateway: TestGateway;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  gateway = await TestGateway.start();
  const url = gateway.orm.config.getClientUrl(true);
  env = { DATABASE_URL: url };
});

afterAll(() => gateway?.stop());

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env };
  const code = await runCli(argv, io);

  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('operator CLI', () => {
  let bootstrapped: { tenantId: string; tenantSlug: string; adminUserId: string; token: string };

  it('bootstraps a tenant and prints one JSON line with a working token', async () => {
    const result = await cli(
      'bootstrap',
      '--tenant',
      'initech',
      '--name',
      'Initech',
      '--admin-email',
      'Boss@Initech.test',
    );

    expect(result.code).toBe(0);
    expect(result.stdout.endsWith('\n')).toBe(true);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    bootstrapped = JSON.parse(result.stdout);
    expect(Object.keys(bootstrapped).sort()).toEqual([
      'adminUserId',
      'tenantId',
      'tenantSlug',
      'token',
    ]);
    const viewer = await gateway.graphql(ViewerDocument, {}, bootstrapped.token);
    expect(viewer.data?.viewer).toMatchObject({
      id: bootstrapped.adminUserId,
      email: 'boss@initech.test',
      role: 'ADMIN',
      status: 'ACTIVE',
    });
  });

  it('refuses to bootstrap a tenant that exists, with a clear message', async () => {
    const result = await cli(
      'bootstrap',
      '--tenant',
      'initech',
      '--name',
      'Again',
      '--admin-email',
      'x@initech.test',
    );

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/slug "initech" already exists/);
  });

  it('rejects a bad slug and a missing option as usage errors', async () => {
    const badSlug = await cli(
      'bootstrap',
      '--tenant',
      'No!',
      '--name',
      'n',
      '--admin-email',
      'a@b.co',
    );
    const missing = await cli('bootstrap', '--tenant', 'valid-slug');

    expect(badSlug.code).toBe(2);
    expect(badSlug.stderr).toMatch(/slug must be 3 to 40 characters/);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing --name/);
  });

  it('creates a break-glass user and a token for an existing ACTIVE user', async () => {
    const created = await cli(
      'create-user',
      '--tenant',
      'initech',
      '--email',
      'ops@initech.test',
      '--role',
      'MEMBER',
    );
    expect(created.code).toBe(0);
    const { userId } = JSON.parse(created.stdout);

    const token = await cli('create-token', '--tenant', 'initech', '--email', 'OPS@initech.test');
    expect(token.code).toBe(0);
    const viewer = await gateway.graphql(ViewerDocument, {}, JSON.parse(token.stdout).token);
    expect(viewer.data?.viewer).toMatchObject({ id: userId, role: 'MEMBER' });
  });

  it('refuses a token for an unknown user and a user for an unknown tenant', async () => {
    const token = await cli('create-token', '--tenant', 'initech', '--email', 'nobody@x.test');
    const user = await cli(
      'create-user',
      '--tenant',
      'nope',
      '--email',
      'a@b.co',
      '--role',
      'ADMIN',
    );
    const role = await cli(
      'create-user',
      '--tenant',
      'initech',
      '--email',
      'a@b.co',
      '--role',
      'ROOT',
    );

    expect(token.code).toBe(1);
    expect(token.stderr).toMatch(/No ACTIVE user with email "nobody@x.test"/);
    expect(user.code).toBe(1);
    expect(user.stderr).toMatch(/No tenant with slug "nope"/);
    expect(role.code).toBe(2);
    expect(role.stderr).toMatch(/--role must be ADMIN or MEMBER/);
  });

  it('prints usage for an unknown command', async () => {
    const result = await cli('frobnicate');

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/usage: npm run cli/);
  });
});

describe('configuration', () => {
  it('applies defaults', () => {
    expect(loadConfig({})).toMatchObject({
      port: 4000,
      publicUrl: 'http://localhost:4000',
      logLevel: 'info',
      databaseUrl: undefined,
    });
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ PUBLIC_URL: 'not a url' }, 'PUBLIC_URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
  ])('names the bad variable in one line for %j', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^invalid configuration: ${name} `));
  });

  it('exits the CLI with code 2 on bad configuration', async () => {
    const err: string[] = [];
    const code = await runCli(['migrate'], {
      stdout: () => {},
      stderr: (t) => err.push(t),
      env: { PORT: '-1' },
    });

    expect(code).toBe(2);
    expect(err.join('')).toMatch(/invalid configuration: PORT/);
  });
});
