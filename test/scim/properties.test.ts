import fc from 'fast-check';
import type { TenantFixture } from '../helpers/gateway';
import { TestGateway } from '../helpers/gateway';
import {
  CORE_GROUP,
  ENTERPRISE_USER,
  ERROR_URN,
  PATCH_URN,
  ScimClient,
  type ScimResponse,
  scimUser,
} from '../helpers/scim';

// Random input must never reach a 500 or the process's shared prototypes. Runs are seeded so a
// failure replays the same way; fast-check prints the shrunk counterexample.
const RUNS = { numRuns: 150, seed: 20_261_203, endOnFailure: true };

let gateway: TestGateway;
let tenant: TenantFixture;
let scim: ScimClient;
let userId: string;
let groupId: string;
const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();

beforeAll(async () => {
  gateway = await TestGateway.start();
  tenant = await gateway.bootstrap('fuzzed');
  scim = await ScimClient.forTenant(gateway, tenant);
  const user = await scim.post(
    '/Users',
    scimUser('target@fuzzed.test', {
      name: { givenName: 'Tar', familyName: 'Get' },
      emails: [{ value: 'target@fuzzed.test', type: 'work', primary: true }],
      phoneNumbers: [{ value: '+1 555 0100', type: 'work' }],
      [ENTERPRISE_USER]: { employeeNumber: '7', manager: { value: 'someone' } },
    }),
  );
  userId = user.body.id;
  const group = await scim.post('/Groups', {
    schemas: [CORE_GROUP],
    displayName: 'fuzzed-team',
    members: [{ value: userId }],
  });
  groupId = group.body.id;
});

afterAll(() => gateway?.stop());

/** A success, or a client error in the SCIM error shape: never a 5xx, never another shape. */
function expectWellFormed(response: ScimResponse): void {
  if (response.status >= 200 && response.status < 300) return;
  expect(response.status).toBeGreaterThanOrEqual(400);
  expect(response.status).toBeLessThan(500);
  expect(response.body.schemas).toContain(ERROR_URN);
  expect(response.body.status).toBe(String(response.status));
}

function expectNoPollution(): void {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
}

const oneOf = <T>(...values: T[]) => fc.constantFrom(...values);

// --- Filters ---------------------------------------------------------------------------------

const knownAttribute = oneOf(
  'userName',
  'USERNAME',
  'id',
  'externalId',
  'displayName',
  'active',
  'title',
  'emails',
  'emails.value',
  'Emails.Type',
  'name.givenName',
  'meta.created',
  'meta.lastModified',
  'phoneNumbers.value',
  'manager.value',
  'members',
  `${ENTERPRISE_USER}:employeeNumber`,
  'urn:ietf:params:scim:schemas:core:2.0:User:userName',
  'urn:unknown:thing:attr',
  'password',
  'groups.value',
  '__proto__',
  'constructor.prototype',
);

const attributeName = fc.oneof(
  { weight: 6, arbitrary: knownAttribute },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z$][\w$-]{0,8}(\.[\w$]{1,6})?$/) },
);

const operator = fc.oneof(
  { weight: 4, arbitrary: oneOf('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le') },
  fc.mixedCase(oneOf('eq', 'co', 'sw', 'gt')),
  oneOf('like', '=', 'in'),
);

const awkwardText = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  oneOf('%', '_', '%_%', '\\', '\\"', "'", '\u0000', 'é😀', '2024-01-01T00:00:00Z', 'null'),
);

const comparisonValue = fc.oneof(
  { weight: 4, arbitrary: awkwardText.map((text) => JSON.stringify(text)) },
  awkwardText.map((text) => `"${text}"`),
  fc.stringMatching(/^[\w@.-]{1,10}$/),
  oneOf('true', 'False', 'null', '42', '-1.5e3', '""', '"unterminated'),
  fc.integer().map(String),
);

const comparison = fc.oneof(
  fc.tuple(attributeName, operator, comparisonValue).map(([a, o, v]) => `${a} ${o} ${v}`),
  attributeName.map((a) => `${a} pr`),
);

/** The inside of a value path such as emails[type eq "work" and value co "@"]. */
const subFilter = fc
  .array(
    fc
      .tuple(
        oneOf('value', 'type', 'primary', 'display', 'TYPE', 'nope'),
        operator,
        comparisonValue,
      )
      .map(([a, o, v]) => `${a} ${o} ${v}`),
    { minLength: 1, maxLength: 3 },
  )
  .chain((parts) => fc.mixedCase(oneOf('and', 'or')).map((joiner) => parts.join(` ${joiner} `)));

const filterExpression: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    comparison,
    fc
      .tuple(tie('expr'), fc.mixedCase(oneOf('and', 'or')), tie('expr'))
      .map(([l, o, r]) => `${l} ${o} ${r}`),
    tie('expr').map((e) => `not (${e})`),
    tie('expr').map((e) => `(${e})`),
    fc
      .tuple(oneOf('emails', 'phoneNumbers', 'members', 'x'), subFilter)
      .map(([a, e]) => `${a}[${e}]`),
  ),
})).expr;

/** Well-formed-ish filters, sometimes broken by garbage or brackets dropped in at random. */
const filterString = fc.oneof(
  { weight: 4, arbitrary: filterExpression },
  fc
    .tuple(filterExpression, fc.nat(), oneOf('(', ')', '[', ']', '"', '\\', ' and', '!', '\u2028'))
    .map(([f, at, junk]) => {
      // Cut between code points: a lone surrogate cannot even be put in a URL.
      const points = [...f];
      const cut = at % (points.length + 1);

      return [...points.slice(0, cut), junk, ...points.slice(cut)].join('');
    }),
  fc.string({ maxLength: 30 }),
);

it('answers any filter on /Users with results or a SCIM error, never a 5xx', async () => {
  await fc.assert(
    fc.asyncProperty(filterString, async (filter) => {
      const response = await scim.get(`/Users?filter=${encodeURIComponent(filter)}&count=2`);
      expectWellFormed(response);
      if (response.status === 400) expect(response.body.scimType).toBeDefined();
    }),
    RUNS,
  );
  expectNoPollution();
});

it('answers any filter on /Groups with results or a SCIM error, never a 5xx', async () => {
  await fc.assert(
    fc.asyncProperty(filterString, async (filter) => {
      expectWellFormed(await scim.get(`/Groups?filter=${encodeURIComponent(filter)}`));
    }),
    { ...RUNS, numRuns: 100 },
  );
  expectNoPollution();
});

// --- PATCH -----------------------------------------------------------------------------------

/** Puts the ids created for this run where a generated body names them. */
const withIds = (body: RawJson) => body.replaceAll('$USER', userId).replaceAll('$GROUP', groupId);

/** Raw JSON text, so keys such as "__proto__" arrive as real keys after JSON.parse. */
type RawJson = string;

const hostileObject: fc.Arbitrary<RawJson> = oneOf(
  '{"__proto__":{"polluted":"yes"}}',
  '{"constructor":{"prototype":{"polluted":"yes"}}}',
  '{"prototype":{"polluted":"yes"}}',
  '{"name":{"__proto__":{"polluted":"yes"}}}',
  '{"emails":[{"value":"a@b.c","__proto__":{"polluted":"yes"}}]}',
  '[{"value":"x","constructor":{"prototype":{"polluted":"yes"}}}]',
  '{"Constructor":{"Prototype":{"polluted":"yes"}}}',
  '{"__PROTO__":{"polluted":"yes"}}',
);

const patchValue: fc.Arbitrary<RawJson> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
  hostileObject,
  oneOf('"True"', '"False"', 'true', 'null', '"x@y.z"', `[{"value":"${'0'.repeat(8)}"}]`),
  fc
    .tuple(
      oneOf('active', 'displayName', 'name.givenName', 'userName', 'title', 'emails'),
      fc.jsonValue({ maxDepth: 2 }),
    )
    .map(([key, value]) => JSON.stringify({ [key]: value })),
);

const patchPath = fc.oneof(
  oneOf(
    'active',
    'userName',
    'displayName',
    'title',
    'name.givenName',
    'name',
    'emails',
    'emails[type eq "work"].value',
    'emails[type eq "home"]',
    'emails[value co "@"].primary',
    'phoneNumbers[type eq "fax"]',
    'members',
    'members[value eq "nobody"]',
    'externalId',
    'id',
    'meta.created',
    `${ENTERPRISE_USER}:manager`,
    `${ENTERPRISE_USER}:employeeNumber`,
    '__proto__.polluted',
    'constructor.prototype.polluted',
    'name.__proto__.polluted',
    'emails[__proto__ eq "x"].value',
    '',
    '[',
    'emails[type eq',
  ),
  fc.string({ maxLength: 16 }),
);

const randomOperation: fc.Arbitrary<RawJson> = fc
  .record(
    {
      op: fc.oneof(fc.mixedCase(oneOf('add', 'replace', 'remove')), oneOf('move', '', 'ADD ')),
      path: patchPath,
      value: patchValue,
    },
    { requiredKeys: ['op'] },
  )
  .map((operation) => {
    const parts = [`"op":${JSON.stringify(operation.op)}`];
    if (operation.path !== undefined) parts.push(`"path":${JSON.stringify(operation.path)}`);
    if (operation.value !== undefined) parts.push(`"value":${operation.value}`);

    return `{${parts.join(',')}}`;
  });

const op = (name: string, path: string | undefined, value: unknown): RawJson =>
  JSON.stringify({ op: name, ...(path === undefined ? {} : { path }), value });

const words = fc.string({ minLength: 1, maxLength: 10 });
const teamName = fc.stringMatching(/^[A-Za-z0-9_-]{1,36}$/);

/**
 * Operations an IdP could really send, so that many requests get past validation and reach
 * the domain service. `$USER` stands for the id of the patched user.
 */
const plausibleOperation: fc.Arbitrary<RawJson> = fc.oneof(
  fc
    .tuple(fc.mixedCase(oneOf('replace')), oneOf<boolean | string>(true, false, 'True', 'False'))
    .map(([name, value]) => op(name, 'active', value)),
  fc
    .tuple(oneOf('title', 'displayName', 'nickName', 'name.givenName'), words)
    .map(([path, value]) => op('Replace', path, value)),
  words.map((local) => op('Add', 'emails[type eq "work"].value', `${local}@fuzzed.test`)),
  oneOf(op('Remove', 'phoneNumbers[type eq "work"]', undefined), op('remove', 'title', undefined)),
  fc
    .record({ active: fc.boolean(), 'name.familyName': words })
    .map((value) => op('replace', undefined, value)),
  oneOf(
    op('Add', `${ENTERPRISE_USER}:manager`, [{ value: '$USER' }]),
    op('Replace', `${ENTERPRISE_USER}:manager`, '$USER'),
    op('add', 'members', [{ value: '$USER' }]),
    op('Remove', 'members', [{ value: '$USER' }]),
    op('remove', 'members[value eq "$USER"]', undefined),
  ),
  teamName.map((name) => op('replace', 'displayName', name)),
  teamName.map((name) => op('replace', undefined, { id: '$GROUP', displayName: name })),
);

const operationText = fc.oneof(
  { weight: 3, arbitrary: plausibleOperation },
  { weight: 2, arbitrary: randomOperation },
);

const patchBody: fc.Arbitrary<RawJson> = fc
  .oneof(
    { weight: 8, arbitrary: fc.array(operationText, { minLength: 1, maxLength: 3 }) },
    { weight: 1, arbitrary: fc.constant([] as string[]) },
  )
  .chain((operations) =>
    fc
      .oneof(
        { weight: 8, arbitrary: fc.constant(`"schemas":["${PATCH_URN}"]`) },
        { weight: 1, arbitrary: oneOf('"schemas":[]', '"__proto__":{"polluted":"yes"}') },
      )
      .map((head) => `{${head},"Operations":[${operations.join(',')}]}`),
  );

it('answers any PATCH of a user with the resource or a SCIM error, never a 5xx', async () => {
  await fc.assert(
    fc.asyncProperty(patchBody, async (body) => {
      expectWellFormed(await scim.patch(`/Users/${userId}`, withIds(body)));
    }),
    RUNS,
  );
  expectNoPollution();
  expect((await scim.get(`/Users/${userId}`)).status).toBe(200);
});

it('answers any PATCH of a group with 204 or a SCIM error, never a 5xx', async () => {
  await fc.assert(
    fc.asyncProperty(patchBody, async (body) => {
      expectWellFormed(await scim.patch(`/Groups/${groupId}`, withIds(body)));
    }),
    RUNS,
  );
  expectNoPollution();
  expect((await scim.get(`/Groups/${groupId}`)).status).toBe(200);
});
