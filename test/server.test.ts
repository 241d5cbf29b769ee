import { Writable } from 'node:stream';
import type { MikroORM } from '@mikro-orm/postgresql';
import { openOrm } from '../src/db/orm';
import { type RunningServer, startHttpServer } from '../src/http/server';
import { createLogger } from '../src/logger';
import { ViewerDocument } from './generated/graphql';
import { type TenantFixture, TestGateway, testRuntime } from './helpers/gateway';
import { secretPart } from './helpers/secret-part';

let gateway: TestGateway;
let acme: TenantFixture;

beforeAll(async () => {
  gateway = await TestGateway.start();
  acme = await gateway.bootstrap('acme');
});

afterAll(() => gateway?.stop());

describe('health', () => {
  it('reports liveness on /healthz', async () => {
    const response = await fetch(`${gateway.url}/healthz`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('reports readiness on /readyz while the database answers', async () => {
    const response = await fetch(`${gateway.url}/readyz`);

    expect(response.status).toBe(200);
  });
});

describe('request ids', () => {
  it('echoes the X-Request-Id a client sends and logs it', async () => {
    const response = await gateway.graphql(ViewerDocument, {}, acme.adminToken, {
      'x-request-id': 'trace-abc-123',
    });

    expect(response.headers.get('x-request-id')).toBe('trace-abc-123');
    expect(gateway.logLines.some((line) => line.includes('"requestId":"trace-abc-123"'))).toBe(
      true,
    );
  });

  it('generates a request id when the client sends none or an unusable one', async () => {
    const none = await gateway.graphql(ViewerDocument, {}, acme.adminToken);
    const unusable = await gateway.graphql(ViewerDocument, {}, acme.adminToken, {
      'x-request-id': 'has spaces and "quotes"',
    });

    expect(none.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(unusable.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('never logs the bearer token', async () => {
    await gateway.graphql(ViewerDocument, {}, acme.adminToken);

    expect(gateway.logLines.join('\n')).not.toContain(secretPart(acme.adminToken));
  });
});

describe('with the database unreachable', () => {
  let orm: MikroORM;
  let server: RunningServer;
  const lines: string[] = [];

  beforeAll(async () => {
    // Nothing listens on port 9 (discard) on loopback, so every query fails to connect.
    orm = await openOrm({ url: 'postgresql://postgres@127.0.0.1:9/none', poolMax: 1, lazy: true });
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    const log = createLogger('info', sink);
    const runtime = testRuntime();
    server = await startHttpServer({ orm, log, runtime, port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await server?.close(500);
    await orm?.close(true);
  });

  it('answers 503 on /readyz', async () => {
    const response = await fetch(`${server.url}/readyz`);

    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ status: 'unavailable' });
  });

  it('masks the failure as INTERNAL_SERVER_ERROR with a request id, logged once', async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${acme.adminToken}`,
        'x-request-id': 'masked-1',
      },
      body: JSON.stringify({ query: '{ viewer { email } }' }),
    });
    const body = (await response.json()) as { errors: { extensions: object }[] };
    const text = JSON.stringify(body);

    expect(response.status).toBe(500);
    expect(body.errors[0].extensions).toEqual({
      code: 'INTERNAL_SERVER_ERROR',
      requestId: 'masked-1',
    });
    expect(text).not.toMatch(/ECONNREFUSED|select|access_token|at .*\.ts/i);
    const logged = lines.filter((line) => line.includes('"level":50'));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('"requestId":"masked-1"');
    expect(logged[0]).toContain('ECONNREFUSED');
  });
});
