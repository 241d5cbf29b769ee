import { randomUUID } from 'node:crypto';
import { RotateScimTokenDocument, SetProvisioningModeDocument } from '../generated/graphql';
import type { TenantFixture } from '../helpers/gateway';
import { TestGateway } from '../helpers/gateway';
import {
  CORE_GROUP,
  CORE_USER,
  ENTERPRISE_USER,
  ERROR_URN,
  expectScimError,
  LIST_URN,
  patchOp,
  ScimClient,
  SEARCH_URN,
  scimUser,
} from '../helpers/scim';

let gateway: TestGateway;
let tenant: TenantFixture;
let scim: ScimClient;

beforeAll(async () => {
  gateway = await TestGateway.start();
  tenant = await gateway.bootstrap('proto');
  scim = await ScimClient.forTenant(gateway, tenant);
});

afterAll(() => gateway?.stop());

let sequence = 0;
const fresh = (label: string) => `${label}.${++sequence}@proto.test`;

async function createUser(extra: Record<string, unknown> = {}) {
  const response = await scim.post('/Users', scimUser(fresh('user'), extra));
  expect(response.status).toBe(201);

  return response.body;
}

async function createGroup() {
  const response = await scim.post('/Groups', { displayName: `group-${++sequence}` });
  expect(response.status).toBe(201);

  return response.body;
}

const sql = (text: string, params: unknown[] = []) =>
  gateway.orm.em.fork().getConnection().execute(text, params);

describe('authentication', () => {
  it('refuses a request without a token with 401 and a SCIM error body', async () => {
    const response = await fetch(`${scim.baseUrl}/Users`);
    const body = (await response.json()) as { detail: string };

    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(body).toEqual({ schemas: [ERROR_URN], status: '401', detail: expect.any(String) });
    expect(body.detail).toContain('Bearer');
  });

  it('answers 401 before anything else: body, endpoint or method', async () => {
    const anonymous = scim.withToken('nope');

    expectScimError(await anonymous.request('POST', '/Users', '{not json'), 401);
    expectScimError(await anonymous.request('POST', '/Users', '{"__proto__":{}}'), 401);
    expectScimError(await anonymous.post('/Users', { title: 'x'.repeat(1_100_000) }), 401);
    expectScimError(await anonymous.get('/Me'), 401);
    expectScimError(await anonymous.get('/Printers'), 401);
  });

  it('refuses a token that was never issued', async () => {
    const forged = `${scim.token.slice(0, -4)}${scim.token.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;

    expectScimError(await scim.withToken(forged).get('/Users'), 401);
    expectScimError(await scim.withToken('garbage').get('/Users'), 401);
  });

  it('refuses an Authorization header that is not a bearer token', async () => {
    const response = await scim.get('/Users', { authorization: `Basic ${scim.token}` });

    expectScimError(response, 401);
  });

  it('refuses the token of another tenant', async () => {
    const other = await ScimClient.forTenant(gateway, await gateway.bootstrap('proto-other'));

    expect((await other.get('/Users')).status).toBe(200);
    expectScimError(await scim.withToken(other.token).get('/Users'), 401);
    expectScimError(await other.withToken(scim.token).get('/Users'), 401);
  });

  it('refuses a token for a tenant slug that does not exist', async () => {
    const client = new ScimClient(scim.baseUrl.replace('/proto', '/no-such-tenant'), scim.token);

    expectScimError(await client.get('/Users'), 401);
  });

  it('refuses a personal access token', async () => {
    const response = await scim.withToken(tenant.adminToken).get('/Users');

    expectScimError(response, 401);
  });

  it('refuses a token once it is rotated away without a grace period', async () => {
    const owner = await gateway.bootstrap('proto-rotating');
    const old = await ScimClient.forTenant(gateway, owner);
    const rotated = await gateway.graphql(
      RotateScimTokenDocument,
      { input: { gracePeriodMinutes: 0 } },
      owner.adminToken,
    );

    expectScimError(await old.get('/Users'), 401);
    expect((await old.withToken(rotated.data!.rotateScimToken.token!).get('/Users')).status).toBe(
      200,
    );
  });

  it('answers 403 naming the mode when the tenant no longer runs in SCIM mode', async () => {
    const owner = await gateway.bootstrap('proto-moved');
    const client = await ScimClient.forTenant(gateway, owner);
    // Only a change made behind the gateway's back leaves the token valid: switching the mode
    // through the API revokes it, as another test shows.
    await sql(`update "tenant" set provisioning_mode = 'INVITE_ONLY' where id = ?`, [
      owner.tenantId,
    ]);

    const read = await client.get('/Users');
    const write = await client.post('/Users', scimUser('late@proto-moved.test'));

    expectScimError(read, 403);
    expect(read.body.detail).toContain('INVITE_ONLY');
    expectScimError(write, 403);
  });

  it('revokes the tokens when an admin switches the tenant out of SCIM mode', async () => {
    const owner = await gateway.bootstrap('proto-leaving');
    const client = await ScimClient.forTenant(gateway, owner);
    await gateway.graphql(
      SetProvisioningModeDocument,
      { input: { mode: 'INVITE_ONLY' } },
      owner.adminToken,
    );

    expectScimError(await client.get('/Users'), 401);
  });

  it('keeps only a hash of the token, never the token itself', async () => {
    const rows: Record<string, unknown>[] = await sql(
      'select * from "scim_token" where tenant_id = ?',
      [tenant.tenantId],
    );

    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(scim.token);
    expect(JSON.stringify(rows)).not.toContain(scim.token.slice(-16));
  });

  it('records when a token was last used, at most once a minute', async () => {
    const owner = await gateway.bootstrap('proto-usage');
    const client = await ScimClient.forTenant(gateway, owner);
    const lastUsed = async () => {
      const [row] = await sql(
        'select last_used_at from "scim_token" where tenant_id = ? and revoked_at is null',
        [owner.tenantId],
      );
      return row.last_used_at ? new Date(row.last_used_at).getTime() : null;
    };
    expect(await lastUsed()).toBeNull();

    await client.get('/Users');
    const first = await lastUsed();
    await client.get('/Users');
    const second = await lastUsed();
    await sql(
      `update "scim_token" set last_used_at = now() - interval '2 minutes' where tenant_id = ?`,
      [owner.tenantId],
    );
    const backdated = await lastUsed();
    await client.get('/Users');
    const third = await lastUsed();

    expect(first).not.toBeNull();
    expect(second).toBe(first);
    expect(third).toBeGreaterThan(backdated!);
    expect(Date.now() - third!).toBeLessThan(60_000);
  });
});

describe('content types', () => {
  it('answers successes, lists and errors as application/scim+json', async () => {
    const user = await createUser();
    const responses = [
      await scim.get(`/Users/${user.id}`),
      await scim.get('/Users'),
      await scim.get('/ServiceProviderConfig'),
      await scim.get(`/Users/${randomUUID()}`),
    ];

    for (const response of responses) {
      expect(response.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    }
  });

  it.each([
    'application/scim+json',
    'application/json',
    'application/scim+json; charset=utf-8',
    'application/json; charset=utf-8',
  ])('accepts a body sent as %s', async (contentType) => {
    const client = scim.withContentType(contentType);

    const created = await client.post('/Users', scimUser(fresh('typed')));
    const patched = await client.patch(
      `/Users/${created.body.id}`,
      patchOp({ op: 'add', path: 'title', value: contentType }),
    );

    expect(created.status).toBe(201);
    expect([patched.status, patched.body.title]).toEqual([200, contentType]);
  });
});

describe('discovery', () => {
  it('describes what the server supports in /ServiceProviderConfig', async () => {
    const response = await scim.get('/ServiceProviderConfig');

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: true },
      bulk: { supported: false },
      filter: { supported: true, maxResults: 1000 },
      changePassword: { supported: false },
      sort: { supported: true },
      etag: { supported: true },
      authenticationSchemes: [expect.objectContaining({ type: 'oauthbearertoken' })],
    });
  });

  it('lists the User and Group resource types', async () => {
    const response = await scim.get('/ResourceTypes');

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ schemas: [LIST_URN], totalResults: 2 });
    expect(response.body.Resources).toEqual([
      expect.objectContaining({
        id: 'User',
        endpoint: '/Users',
        schema: CORE_USER,
        schemaExtensions: [{ schema: ENTERPRISE_USER, required: false }],
      }),
      expect.objectContaining({ id: 'Group', endpoint: '/Groups', schema: CORE_GROUP }),
    ]);
  });

  it('serves one resource type by id and 404 for an unknown one', async () => {
    expect((await scim.get('/ResourceTypes/Group')).body).toMatchObject({ id: 'Group' });
    expectScimError(await scim.get('/ResourceTypes/Printer'), 404);
  });

  it('lists the schemas of users, their enterprise extension and groups', async () => {
    const response = await scim.get('/Schemas');

    expect(response.status).toBe(200);
    expect(response.body.Resources.map((schema: { id: string }) => schema.id)).toEqual([
      CORE_USER,
      ENTERPRISE_USER,
      CORE_GROUP,
    ]);
  });

  it('serves one schema by its URN, with userName required and unique', async () => {
    const response = await scim.get(`/Schemas/${CORE_USER}`);

    expect(response.status).toBe(200);
    expect(response.body.attributes).toContainEqual(
      expect.objectContaining({ name: 'userName', required: true, uniqueness: 'server' }),
    );
    expectScimError(await scim.get('/Schemas/urn:example:nothing'), 404);
  });

  it('answers /Me with 501 whatever the method', async () => {
    expectScimError(await scim.get('/Me'), 501);
    expectScimError(
      await scim.patch('/Me', patchOp({ op: 'add', path: 'title', value: 'x' })),
      501,
    );
  });
});

describe('errors', () => {
  it('refuses a body that is not JSON with 400 invalidSyntax', async () => {
    const response = await scim.request('POST', '/Users', '{"userName": ');

    expectScimError(response, 400, 'invalidSyntax');
    expect(response.body.detail).toContain('JSON');
  });

  it('refuses JSON that is not an object with 400 and says what to send', async () => {
    const response = await scim.post('/Users', [scimUser(fresh('listed'))]);

    expectScimError(response, 400, 'invalidValue');
    expect(response.body.detail).toContain('SCIM User JSON object');
  });

  it('refuses a PATCH without the PatchOp schema with 400 invalidSyntax', async () => {
    const user = await createUser();

    const response = await scim.patch(`/Users/${user.id}`, {
      Operations: [{ op: 'add', path: 'title', value: 'x' }],
    });

    expectScimError(response, 400, 'invalidSyntax');
    expect(response.body.detail).toContain('PatchOp');
  });

  it('refuses a body over 1 MB with 413', async () => {
    const response = await scim.post(
      '/Users',
      scimUser(fresh('huge'), { title: 'x'.repeat(1_100_000) }),
    );

    expectScimError(response, 413, 'tooMany');
  });

  it.each([
    ['U+0000 in a value', '"title":"a\\u0000b"', 'U+0000'],
    ['U+0000 in a key', '"a\\u0000b":"x"', 'U+0000'],
    ['half a surrogate pair', '"displayName":"a\\ud800b"', 'surrogate'],
  ])(
    'refuses %s, which the database cannot store, with 400 invalidValue',
    async (_c, json, what) => {
      const response = await scim.post('/Users', `{"userName":"${fresh('nul')}",${json}}`);

      expectScimError(response, 400, 'invalidValue');
      expect(response.body.detail).toContain(what);
    },
  );

  it('keeps a whole surrogate pair, such as an emoji written as escapes', async () => {
    const response = await scim.post(
      '/Users',
      `{"userName":"${fresh('pair')}","title":"\\ud83d\\ude00"}`,
    );

    expect(response.status).toBe(201);
    expect((await scim.get(`/Users/${response.body.id}`)).body.title).toBe('😀');
  });

  it('refuses U+0000 in a PATCH value and in a group too', async () => {
    const user = await createUser();
    const patch = await scim.patch(
      `/Users/${user.id}`,
      patchOp({ op: 'add', path: 'title', value: 'a\u0000' }),
    );
    const group = await scim.post('/Groups', { displayName: 'nul-group', externalId: '\u0000' });

    expectScimError(patch, 400, 'invalidValue');
    expectScimError(group, 400, 'invalidValue');
  });

  it('answers an unknown endpoint with 404 as a SCIM error', async () => {
    const response = await scim.get('/Printers');

    expectScimError(response, 404);
    expect(response.body.detail).toContain('/Printers');
  });
});

describe('ETags and meta', () => {
  it('sends meta.version as the ETag header, as a weak tag', async () => {
    const user = await createUser();

    const response = await scim.get(`/Users/${user.id}`);

    expect(response.body.meta.version).toBe('W/"1"');
    expect(response.headers.get('etag')).toBe('W/"1"');
  });

  it('moves the version and lastModified on with every change, but not created', async () => {
    const user = await createUser();

    const patched = await scim.patch(
      `/Users/${user.id}`,
      patchOp({ op: 'add', path: 'title', value: 'Later' }),
    );

    expect(patched.body.meta).toMatchObject({
      version: 'W/"2"',
      created: user.meta.created,
      resourceType: 'User',
    });
    expect(new Date(patched.body.meta.lastModified).getTime()).toBeGreaterThan(
      new Date(user.meta.lastModified).getTime(),
    );
  });

  it('places users and groups under the public SCIM URL in meta.location', async () => {
    const user = await createUser();
    const group = await createGroup();
    const base = 'http://gateway.test/scim/v2/proto';

    expect(user.meta).toMatchObject({ resourceType: 'User', location: `${base}/Users/${user.id}` });
    expect(group.meta).toMatchObject({
      resourceType: 'Group',
      location: `${base}/Groups/${group.id}`,
    });
    expect(Number.isNaN(Date.parse(user.meta.created))).toBe(false);
  });

  it('refuses a user PUT, PATCH or DELETE with a stale If-Match with 412', async () => {
    const user = await createUser();
    await scim.patch(`/Users/${user.id}`, patchOp({ op: 'add', path: 'title', value: 'v2' }));
    const stale = { 'if-match': 'W/"1"' };

    const put = await scim.put(`/Users/${user.id}`, scimUser(user.userName), stale);
    const patch = await scim.patch(
      `/Users/${user.id}`,
      patchOp({ op: 'add', path: 'title', value: 'v3' }),
      stale,
    );
    const remove = await scim.delete(`/Users/${user.id}`, stale);

    for (const response of [put, patch, remove]) {
      expectScimError(response, 412);
      expect(response.body.detail).toContain('version 2');
    }
    expect((await scim.get(`/Users/${user.id}`)).body).toMatchObject({
      title: 'v2',
      meta: { version: 'W/"2"' },
    });
  });

  it('refuses a group PUT, PATCH or DELETE with a stale If-Match with 412', async () => {
    const group = await createGroup();
    await scim.patch(
      `/Groups/${group.id}`,
      patchOp({ op: 'replace', path: 'externalId', value: 'v2' }),
    );
    const stale = { 'if-match': 'W/"1"' };

    const put = await scim.put(`/Groups/${group.id}`, { displayName: group.displayName }, stale);
    const patch = await scim.patch(
      `/Groups/${group.id}`,
      patchOp({ op: 'replace', path: 'externalId', value: 'v3' }),
      stale,
    );
    const remove = await scim.delete(`/Groups/${group.id}`, stale);

    for (const response of [put, patch, remove]) expectScimError(response, 412);
    expect((await scim.get(`/Groups/${group.id}`)).body.externalId).toBe('v2');
  });

  it('applies a change whose If-Match is current, strong or weak, or a wildcard', async () => {
    const user = await createUser();
    const path = `/Users/${user.id}`;
    const title = (value: string) => patchOp({ op: 'add', path: 'title', value });

    const weak = await scim.patch(path, title('a'), { 'if-match': 'W/"1"' });
    const strong = await scim.patch(path, title('b'), { 'if-match': '"2"' });
    const any = await scim.patch(path, title('c'), { 'if-match': '*' });

    expect([weak.status, strong.status, any.status]).toEqual([200, 200, 200]);
    expect(any.body.meta.version).toBe('W/"4"');
  });

  it('refuses an If-Match it cannot read with 412', async () => {
    const user = await createUser();

    const response = await scim.delete(`/Users/${user.id}`, { 'if-match': 'yesterday' });

    expectScimError(response, 412);
  });
});

describe('paging, sorting and projection', () => {
  const BULK = 1050;
  let pages: ScimClient;
  let allIds: string[];

  beforeAll(async () => {
    const owner = await gateway.bootstrap('pages');
    pages = await ScimClient.forTenant(gateway, owner);
    await sql(
      `insert into "app_user" (id, tenant_id, email, user_name, created_at, updated_at)
       select gen_random_uuid(), ?, e, e, now(), now()
       from (select 'bulk' || lpad(i::text, 4, '0') || '@pages.test' as e
             from generate_series(1, ?) as i) as emails`,
      [owner.tenantId, BULK],
    );
    const everything = await pages.get('/Users?count=1000&attributes=id');
    const rest = await pages.get('/Users?count=1000&startIndex=1001&attributes=id');
    allIds = [...everything.body.Resources, ...rest.body.Resources].map((u) => u.id);
  });

  it('answers with integer totalResults, itemsPerPage and startIndex', async () => {
    const { body } = await pages.get('/Users?startIndex=3&count=7');

    expect(body).toMatchObject({ totalResults: BULK + 1, itemsPerPage: 7, startIndex: 3 });
    for (const field of ['totalResults', 'itemsPerPage', 'startIndex']) {
      expect(Number.isInteger(body[field])).toBe(true);
    }
  });

  it('returns 100 users per page by default', async () => {
    const { body } = await pages.get('/Users');

    expect(body).toMatchObject({ itemsPerPage: 100, startIndex: 1 });
    expect(body.Resources).toHaveLength(100);
  });

  it('returns at most 1000 users per page whatever count asks for', async () => {
    const { body } = await pages.get('/Users?count=5000&attributes=id');

    expect(body.itemsPerPage).toBe(1000);
    expect(body.Resources).toHaveLength(1000);
  });

  it('counts startIndex from 1 and pages in a stable order without gaps or repeats', async () => {
    const seen: string[] = [];
    for (let start = 1; start <= BULK + 1; start += 250) {
      const { body } = await pages.get(`/Users?startIndex=${start}&count=250&attributes=id`);
      seen.push(...body.Resources.map((user: { id: string }) => user.id));
    }
    const second = await pages.get('/Users?startIndex=2&count=1');

    expect(allIds).toHaveLength(BULK + 1);
    expect(seen).toEqual(allIds);
    expect(new Set(seen).size).toBe(BULK + 1);
    expect(second.body.Resources[0].id).toBe(allIds[1]);
  });

  it('reads a startIndex below 1 as 1', async () => {
    const { body } = await pages.get('/Users?startIndex=0&count=1&attributes=id');

    expect(body.startIndex).toBe(1);
    expect(body.Resources[0].id).toBe(allIds[0]);
  });

  it('answers a page past the end with no resources and the real total', async () => {
    const { body } = await pages.get(`/Users?startIndex=${BULK + 10}`);

    expect(body).toMatchObject({ totalResults: BULK + 1, itemsPerPage: 0 });
    expect(body.Resources).toEqual([]);
  });

  it('answers an absurdly large startIndex with an empty page', async () => {
    const { status, body } = await pages.get('/Users?startIndex=100000000000000000000');

    expect(status).toBe(200);
    expect(body).toMatchObject({ totalResults: BULK + 1, itemsPerPage: 0, Resources: [] });
  });

  it('answers count=0 with the total alone', async () => {
    const { body } = await pages.get('/Users?count=0');

    expect(body).toMatchObject({ totalResults: BULK + 1, itemsPerPage: 0, Resources: [] });
  });

  it('refuses a count that is not an integer with 400 invalidValue', async () => {
    const response = await pages.get('/Users?count=ten');

    expectScimError(response, 400, 'invalidValue');
    expect(response.body.detail).toContain('count');
  });

  it('sorts by userName in either order', async () => {
    const asc = await pages.get('/Users?sortBy=userName&count=3&attributes=userName');
    const desc = await pages.get(
      '/Users?sortBy=userName&sortOrder=descending&count=3&attributes=userName',
    );

    expect(asc.body.Resources.map((u: { userName: string }) => u.userName)).toEqual([
      'admin@pages.test',
      'bulk0001@pages.test',
      'bulk0002@pages.test',
    ]);
    expect(desc.body.Resources.map((u: { userName: string }) => u.userName)).toEqual([
      'bulk1050@pages.test',
      'bulk1049@pages.test',
      'bulk1048@pages.test',
    ]);
  });

  it('sorts by an attribute named with its URN', async () => {
    const response = await pages.get(
      `/Users?sortBy=${CORE_USER}:userName&sortOrder=descending&count=1`,
    );

    expect(response.body.Resources[0].userName).toBe('bulk1050@pages.test');
  });

  it('refuses to sort by an attribute it cannot sort by with 400 invalidValue', async () => {
    const response = await pages.get('/Users?sortBy=emails');

    expectScimError(response, 400, 'invalidValue');
    for (const name of ['userName', 'externalId', 'name.givenName', 'meta.lastModified']) {
      expect(response.body.detail).toContain(name);
    }
  });

  it('returns only id, schemas and the attributes asked for', async () => {
    const user = await createUser({ name: { givenName: 'Gi', familyName: 'Fa' }, title: 'T' });

    const response = await scim.get(`/Users/${user.id}?attributes=userName,name.givenName`);

    expect(response.body).toEqual({
      schemas: expect.any(Array),
      id: user.id,
      userName: user.userName,
      name: { givenName: 'Gi' },
    });
  });

  it('leaves out excluded attributes but always returns id', async () => {
    const user = await createUser({ title: 'T', [ENTERPRISE_USER]: { department: 'D' } });

    const response = await scim.find('/Users', `id eq "${user.id}"`, {
      excludedAttributes: `emails,title,id,${ENTERPRISE_USER}:department`,
    });
    const [resource] = response.body.Resources;

    expect(resource).toMatchObject({ id: user.id, userName: user.userName });
    expect(resource).not.toHaveProperty('emails');
    expect(resource).not.toHaveProperty('title');
    expect(resource[ENTERPRISE_USER] ?? {}).not.toHaveProperty('department');
  });
});

describe('POST .search', () => {
  it('searches users with a SearchRequest body as a GET with a query would', async () => {
    const user = await createUser({ title: 'Searched' });

    const response = await scim.post('/Users/.search', {
      schemas: [SEARCH_URN],
      filter: `userName eq "${user.userName}"`,
      attributes: ['userName', 'title'],
      startIndex: 1,
      count: 10,
    });

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ schemas: [LIST_URN], totalResults: 1, startIndex: 1 });
    expect(response.body.Resources).toEqual([
      { schemas: expect.any(Array), id: user.id, userName: user.userName, title: 'Searched' },
    ]);
  });

  it('searches groups with a SearchRequest body', async () => {
    const group = await createGroup();

    const response = await scim.post('/Groups/.search', {
      schemas: [SEARCH_URN],
      filter: `displayName eq "${group.displayName}"`,
      excludedAttributes: ['members'],
    });

    expect(response.status).toBe(200);
    expect(response.body.Resources).toEqual([expect.objectContaining({ id: group.id })]);
  });

  it('searches users and groups together from the root, paging across both', async () => {
    const owner = await gateway.bootstrap('proto-root');
    const root = await ScimClient.forTenant(gateway, owner);
    await root.post('/Users', scimUser('one@proto-root.test'));
    await root.post('/Groups', { displayName: 'g1' });
    await root.post('/Groups', { displayName: 'g2' });

    const all = await root.post('/.search', { schemas: [SEARCH_URN] });
    const tail = await root.post('/.search', { schemas: [SEARCH_URN], startIndex: 2, count: 2 });

    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ totalResults: 4, itemsPerPage: 4 });
    expect(
      all.body.Resources.map((r: { meta: { resourceType: string } }) => r.meta.resourceType),
    ).toEqual(['User', 'User', 'Group', 'Group']);
    expect(tail.body).toMatchObject({ totalResults: 4, itemsPerPage: 2, startIndex: 2 });
    expect(tail.body.Resources.map((r: { id: string }) => r.id)).toEqual(
      all.body.Resources.slice(1, 3).map((r: { id: string }) => r.id),
    );
  });

  it('treats an attribute only users have as absent on groups in a root search', async () => {
    const owner = await gateway.bootstrap('proto-mixed');
    const root = await ScimClient.forTenant(gateway, owner);
    const user = await root.post('/Users', scimUser('only@proto-mixed.test'));
    const group = await root.post('/Groups', { displayName: 'mixed' });
    const search = (filter: string) => root.post('/.search', { schemas: [SEARCH_URN], filter });

    const byUserName = await search('userName eq "only@proto-mixed.test"');
    const notUserName = await search('not (userName eq "only@proto-mixed.test")');
    const byMember = await search(`members[value eq "${user.body.id}"] or title pr`);

    expect(byUserName.status).toBe(200);
    expect(byUserName.body.Resources.map((r: { id: string }) => r.id)).toEqual([user.body.id]);
    expect(notUserName.body.Resources.map((r: { id: string }) => r.id)).toEqual([
      owner.adminId,
      group.body.id,
    ]);
    expect(byMember.body.totalResults).toBe(0);
  });

  it('refuses a search whose filter is not a string with 400 invalidFilter', async () => {
    const response = await scim.post('/Users/.search', { filter: { userName: 'x' } });

    expectScimError(response, 400, 'invalidFilter');
  });
});
