import type { MikroORM } from '@mikro-orm/postgresql';
import { openOrm } from '../src/db/orm';
import {
  type FilterSchema,
  MAX_FILTER_DEPTH,
  MAX_FILTER_LENGTH,
  ScimFilterError,
  translateFilter,
} from '../src/scim/filter';
import { createTestDatabase, type TestDatabase } from './helpers/database';

const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const text = (sql: string, caseExact = false) =>
  ({ kind: 'scalar', sql, type: 'string', caseExact }) as const;

/** The attributes of the `u` table below, stored the way the gateway stores users. */
const schema: FilterSchema = {
  schemaUrns: [CORE_USER, ENTERPRISE_USER],
  attributes: {
    id: text('u.id', true),
    username: text('u.user_name'),
    externalid: text('u.external_id', true),
    active: { kind: 'scalar', sql: 'u.active', type: 'boolean', caseExact: false },
    'meta.created': { kind: 'scalar', sql: 'u.created', type: 'dateTime', caseExact: false },
    'name.givenname': text(`u.scim->'name'->>'givenName'`),
    'name.familyname': text(`u.scim->'name'->>'familyName'`),
    title: text(`u.scim->>'title'`),
    employeenumber: text(`u.scim->>'employeeNumber'`, true),
    'manager.value': text(`u.scim->'manager'->>'value'`, true),
    logincount: {
      kind: 'scalar',
      sql: `(u.scim->>'loginCount')::int`,
      type: 'integer',
      caseExact: false,
    },
    emails: {
      kind: 'multi',
      elements: `u.scim->'emails'`,
      subAttributes: {
        value: { type: 'string', caseExact: false },
        type: { type: 'string', caseExact: false },
        primary: { type: 'boolean', caseExact: false },
      },
      defaultSub: 'value',
    },
  },
};

describe('translateFilter', () => {
  it('binds the value as a parameter and folds case for a case-insensitive attribute', () => {
    expect(translateFilter('userName eq "alice"', schema)).toEqual({
      sql: '(lower(u.user_name) = lower(?))',
      params: ['alice'],
    });
  });

  it('compares a caseExact attribute without folding case', () => {
    expect(translateFilter('externalId eq "abc"', schema)).toEqual({
      sql: '(u.external_id = ?)',
      params: ['abc'],
    });
  });

  it('binds not tighter than and, and and tighter than or', () => {
    const { sql, params } = translateFilter(
      'userName eq "a" or userName eq "b" and not (active eq true)',
      schema,
    );

    expect(sql).toBe(
      '((lower(u.user_name) = lower(?)) or ((lower(u.user_name) = lower(?)) and ' +
        '((u.active = ?) is not true)))',
    );
    expect(params).toEqual(['a', 'b', true]);
  });

  it('escapes LIKE wildcards and backslashes in co, sw and ew values', () => {
    expect(translateFilter('userName co "50%_off\\\\"', schema).params).toEqual([
      '%50\\%\\_off\\\\%',
    ]);
    expect(translateFilter('userName sw "a_"', schema).params).toEqual(['a\\_%']);
    expect(translateFilter('userName ew "%a"', schema).params).toEqual(['%\\%a']);
  });

  it('tests both conditions of a value path on the same element', () => {
    const together = translateFilter('emails[type eq "work"].value eq "a@x"', schema).sql;
    const apart = translateFilter('emails.type eq "work" and emails.value eq "a@x"', schema).sql;

    expect(together.match(/exists/g)).toHaveLength(1);
    expect(apart.match(/exists/g)).toHaveLength(2);
  });

  it('casts date-time values to timestamptz and reads one without a zone as UTC', () => {
    expect(translateFilter('meta.created gt "2024-01-01T00:00:00"', schema)).toEqual({
      sql: '(u.created > ?::timestamptz)',
      params: ['2024-01-01T00:00:00Z'],
    });
  });

  it('reads the strings "True" and "False" as booleans, as Microsoft Entra ID sends them', () => {
    expect(translateFilter('active eq "True"', schema).params).toEqual([true]);
    expect(translateFilter('active eq "FALSE"', schema).params).toEqual([false]);
  });

  it('writes no part of any value into the SQL text', () => {
    const { sql, params } = translateFilter(
      `userName eq "x' or 1=1 --" or emails[value co "'); drop table u; --"]`,
      schema,
    );

    expect(sql).not.toMatch(/1=1|drop/);
    expect(params).toEqual(["x' or 1=1 --", "%'); drop table u; --%"]);
  });

  it('matches schema URNs whatever their case in the filter or the schema', () => {
    const shouting = { ...schema, schemaUrns: [CORE_USER.toUpperCase()] };

    expect(translateFilter(`${CORE_USER.toLowerCase()}:USERNAME eq "a"`, shouting).sql).toBe(
      '(lower(u.user_name) = lower(?))',
    );
  });

  it('reports the character where the problem starts', () => {
    const error = catchError(() => translateFilter('userName zz "x"', schema));

    expect(error).toBeInstanceOf(ScimFilterError);
    expect(error).toMatchObject({ scimType: 'invalidFilter', status: 400, position: 10 });
    expect(error.message).toContain('character 10');
    expect(error.message).toContain('eq, ne, co, sw, ew, gt, ge, lt, le, pr');
  });

  it(`accepts ${MAX_FILTER_DEPTH} levels of nesting and refuses one more`, () => {
    const nested = (depth: number) => `${'('.repeat(depth)}userName pr${')'.repeat(depth)}`;

    expect(translateFilter(nested(MAX_FILTER_DEPTH), schema).sql).toBe(
      "(u.user_name is not null and u.user_name <> '')",
    );
    expect(() => translateFilter(nested(MAX_FILTER_DEPTH + 1), schema)).toThrow(
      /nest deeper than 50 levels/,
    );
  });

  it(`accepts a filter of ${MAX_FILTER_LENGTH} characters and refuses a longer one`, () => {
    const filter = (length: number) => `userName eq "${'a'.repeat(length - 14)}"`;

    expect(translateFilter(filter(MAX_FILTER_LENGTH), schema).params).toHaveLength(1);
    expect(() => translateFilter(filter(MAX_FILTER_LENGTH + 1), schema)).toThrow(
      'The filter is 4001 characters long; at most 4000 are accepted.',
    );
  });
});

interface UserRow {
  id: string;
  userName: string;
  externalId: string | null;
  active: boolean | null;
  created: string | null;
  scim: Record<string, unknown>;
}

const work = (value: string, primary?: boolean) => ({ type: 'work', value, primary });
const home = (value: string) => ({ type: 'home', value });

const users: UserRow[] = [
  {
    id: 'alice',
    userName: 'alice',
    externalId: 'abc',
    active: true,
    created: '2024-01-10T09:00:00Z',
    scim: {
      name: { givenName: 'Alice', familyName: 'Archer' },
      title: 'Engineer',
      employeeNumber: '1001',
      manager: { value: 'carol' },
      loginCount: 5,
      emails: [work('a@x', true), home('b@x')],
    },
  },
  {
    id: 'bob',
    userName: 'Bob',
    externalId: 'ABC-123',
    active: false,
    created: '2024-03-01T00:00:00Z',
    scim: {
      name: { givenName: 'Bob', familyName: 'Baker' },
      title: 'Senior Engineer',
      employeeNumber: '1002',
      manager: { value: 'alice' },
      loginCount: 12,
      emails: [work('Bob@Example.com')],
    },
  },
  {
    id: 'carol',
    userName: 'carol@example.com',
    externalId: 'abc-123',
    active: true,
    created: '2024-06-15T12:30:00Z',
    scim: {
      name: { givenName: 'Carol' },
      title: 'Manager',
      loginCount: 0,
      emails: [work('carol@example.com', true)],
    },
  },
  {
    id: 'dave',
    userName: 'dave_1',
    externalId: 'ext_1',
    active: true,
    created: '2023-12-31T23:59:59Z',
    // The mirror image of alice: home a@x and work b@x.
    scim: { title: '', loginCount: 3, emails: [home('a@x'), work('b@x')] },
  },
  {
    id: 'erin',
    userName: 'daveX1',
    externalId: 'ext-2',
    active: null,
    created: '2024-02-01T00:00:00Z',
    scim: { emails: [] },
  },
  {
    id: 'frank',
    userName: '100%real',
    externalId: 'G-7',
    active: true,
    created: '2024-02-01T00:00:00.5Z',
    scim: {},
  },
  { id: 'grace', userName: '100 real', externalId: 'x', active: false, created: null, scim: {} },
  {
    id: 'heidi',
    userName: 'back\\slash',
    externalId: 'h',
    active: true,
    created: '2023-06-01T00:00:00Z',
    scim: {},
  },
  { id: 'ivan', userName: 'ivan', externalId: null, active: true, created: null, scim: {} },
  {
    id: 'judy',
    userName: 'Judy',
    externalId: 'judy',
    active: false,
    created: '2025-01-01T00:00:00Z',
    scim: { emails: [{ type: 'other', value: 'judy@x', primary: false }] },
  },
];

const everyone = users.map((user) => user.id);
const allBut = (...ids: string[]) => everyone.filter((id) => !ids.includes(id));

describe('SCIM filters on PostgreSQL', () => {
  let database: TestDatabase;
  let orm: MikroORM;

  beforeAll(async () => {
    database = await createTestDatabase();
    // The embedded database serves one connection at a time.
    orm = await openOrm({ url: database.url, poolMax: 1 });
    const connection = orm.em.fork().getConnection();
    await connection.execute(
      'create table u (id text primary key, user_name text not null, external_id text, ' +
        'active boolean, created timestamptz, scim jsonb not null)',
    );
    for (const user of users) {
      await connection.execute('insert into u values (?, ?, ?, ?, ?::timestamptz, ?::jsonb)', [
        user.id,
        user.userName,
        user.externalId,
        user.active,
        user.created,
        JSON.stringify(user.scim),
      ]);
    }
  });

  afterAll(async () => {
    await orm?.close(true);
    await database?.drop();
  });

  /**
   * Ids of the rows a filter matches, asked twice: through MikroORM's execute, which inlines
   * the parameters, and through knex's whereRaw (what qb.andWhere uses), which sends them bound.
   */
  async function idsMatching(filter: string): Promise<string[]> {
    const { sql, params } = translateFilter(filter, schema);
    const em = orm.em.fork();
    const inlined = await em
      .getConnection()
      .execute<{ id: string }[]>(`select u.id from u where ${sql}`, params);
    const bound: { id: string }[] = await em
      .getKnex()
      .select('u.id')
      .from('u')
      .whereRaw(sql, params as never[]);
    const ids = inlined.map((row) => row.id).sort();
    expect(bound.map((row) => row.id).sort()).toEqual(ids);

    return ids;
  }

  const expectations = (cases: [string, string[]][]) =>
    it.each(cases)('%s', async (filter, ids) => {
      expect(await idsMatching(filter)).toEqual([...ids].sort());
    });

  describe('compares strings with each operator, folding case unless caseExact', () => {
    expectations([
      ['userName eq "alice"', ['alice']],
      ['userName eq "ALICE"', ['alice']],
      ['USERNAME EQ "alice"', ['alice']],
      ['userName ne "alice"', allBut('alice')],
      ['userName co "AV"', ['dave', 'erin']],
      ['userName sw "J"', ['judy']],
      ['userName ew "@EXAMPLE.COM"', ['carol']],
      ['userName gt "carol"', ['carol', 'dave', 'erin', 'ivan', 'judy']],
      ['userName ge "ivan"', ['ivan', 'judy']],
      ['userName lt "b"', ['alice', 'frank', 'grace']],
      ['userName le "bob"', ['alice', 'bob', 'frank', 'grace', 'heidi']],
      ['externalId eq "abc"', ['alice']],
      ['externalId eq "ABC"', []],
      ['externalId co "BC"', ['bob']],
      ['externalId lt "a"', ['bob', 'frank']],
      ['externalId ne "abc"', allBut('alice')],
      ['name.givenName eq "alice"', ['alice']],
      ['name.familyName sw "b"', ['bob']],
    ]);
  });

  describe('treats %, _ and \\ in co, sw and ew values as plain characters', () => {
    expectations([
      ['userName sw "dave_"', ['dave']],
      ['userName co "_"', ['dave']],
      ['userName co "0%r"', ['frank']],
      ['userName co "%"', ['frank']],
      ['userName co "\\\\"', ['heidi']],
      ['userName ew "k\\\\slash"', ['heidi']],
    ]);
  });

  describe('tests presence, counting an empty string as absent', () => {
    expectations([
      ['title pr', ['alice', 'bob', 'carol']],
      ['externalId pr', allBut('ivan')],
      ['title eq null', allBut('alice', 'bob', 'carol')],
      ['title ne null', ['alice', 'bob', 'carol']],
      ['not (title pr)', allBut('alice', 'bob', 'carol')],
    ]);
  });

  describe('compares booleans, including the strings Microsoft Entra ID sends', () => {
    const active = ['alice', 'carol', 'dave', 'frank', 'heidi', 'ivan'];
    expectations([
      ['active eq true', active],
      ['active eq "True"', active],
      ['active eq FALSE', ['bob', 'grace', 'judy']],
      ['active eq "false"', ['bob', 'grace', 'judy']],
      ['active ne true', ['bob', 'erin', 'grace', 'judy']],
      ['active pr', allBut('erin')],
    ]);
  });

  describe('compares date-times as instants and integers as numbers', () => {
    expectations([
      ['meta.created gt "2024-01-31T00:00:00Z"', ['bob', 'carol', 'erin', 'frank', 'judy']],
      ['meta.created eq "2024-01-10T10:00:00+01:00"', ['alice']],
      ['meta.created lt "2024-01-01T00:00:00Z"', ['dave', 'heidi']],
      ['meta.created ge "2024-02-01T00:00:00"', ['bob', 'carol', 'erin', 'frank', 'judy']],
      ['meta.created le "2024-02-01T00:00:00.000Z"', ['alice', 'dave', 'erin', 'heidi']],
      ['meta.created eq null', ['grace', 'ivan']],
      ['loginCount ge 5', ['alice', 'bob']],
      ['loginCount lt 4', ['carol', 'dave']],
      ['loginCount eq 0', ['carol']],
    ]);
  });

  describe('reads schema URN prefixes and the enterprise extension', () => {
    expectations([
      [`${CORE_USER}:userName eq "bob"`, ['bob']],
      [`${CORE_USER.toUpperCase()}:USERNAME eq "bob"`, ['bob']],
      [`${CORE_USER}:name.givenName eq "carol"`, ['carol']],
      [`${ENTERPRISE_USER}:employeeNumber eq "1001"`, ['alice']],
      [`${ENTERPRISE_USER}:manager eq "carol"`, ['alice']],
      [`${ENTERPRISE_USER}:manager.value eq "alice"`, ['bob']],
      ['employeeNumber eq 1002', ['bob']],
    ]);
  });

  describe('accepts the unquoted values Microsoft Entra ID sends', () => {
    expectations([
      ['externalId eq abc-123', ['carol']],
      ['userName eq carol@example.com', ['carol']],
      ['userName eq ALICE', ['alice']],
      ['externalId eq x', ['grace']],
    ]);
  });

  describe('matches multi-valued attributes element by element', () => {
    expectations([
      ['emails[type eq "work"].value eq "a@x"', ['alice']],
      ['emails[type eq "work"].value eq "b@x"', ['dave']],
      ['EMAILS[TYPE EQ "WORK"].VALUE EQ "A@X"', ['alice']],
      ['emails.type eq "work" and emails.value eq "b@x"', ['alice', 'dave']],
      ['emails[type eq "work" and value co "EXAMPLE"]', ['bob', 'carol']],
      ['emails[type eq "home"]', ['alice', 'dave']],
      ['emails[primary eq true]', ['alice', 'carol']],
      ['emails[not (type eq "work")]', ['alice', 'dave', 'judy']],
      ['emails[type eq "work"].primary pr', ['alice', 'carol']],
      ['emails eq "a@x"', ['alice', 'dave']],
      ['emails co "EXAMPLE"', ['bob', 'carol']],
      ['emails.value ew "@x"', ['alice', 'dave', 'judy']],
      ['emails pr', ['alice', 'bob', 'carol', 'dave', 'judy']],
      ['not (emails pr)', ['erin', 'frank', 'grace', 'heidi', 'ivan']],
      ['name[givenName sw "C" or familyName eq "archer"]', ['alice', 'carol']],
    ]);
  });

  describe('combines conditions with RFC precedence, grouping and complement', () => {
    expectations([
      ['active eq false or userName eq "alice" and title eq "Nobody"', ['bob', 'grace', 'judy']],
      ['(active eq false or userName eq "alice") and title co "engineer"', ['alice', 'bob']],
      ['not (active eq true) and userName sw "b"', ['bob']],
      ['not active eq true', ['bob', 'erin', 'grace', 'judy']],
      ['userName eq "alice" or userName eq "bob" or userName eq "judy"', ['alice', 'bob', 'judy']],
      ['not (not (userName eq "alice"))', ['alice']],
      ['not (title eq "Engineer")', allBut('alice')],
      ['userName eq "alice" AND active eq TRUE', ['alice']],
      [' \t(userName   eq\n"alice")or(userName eq "bob")  ', ['alice', 'bob']],
    ]);
  });

  describe('treats quotes and SQL in values as data, matching nothing', () => {
    expectations([
      [`userName eq "x' or 1=1 --"`, []],
      ['userName eq "alice\\" or \\"1\\"=\\"1"', []],
      [`userName eq x'or'1'='1`, []],
      [`userName co "'); drop table u; --"`, []],
      [`emails[value eq "a@x' or true or '"]`, []],
      ['userName eq "?" or userName eq "$1"', []],
    ]);

    it('leaves the table in place', async () => {
      expect(await idsMatching('id pr')).toEqual([...everyone].sort());
    });
  });
});

describe('invalid filters', () => {
  it.each([
    ['userName eq', 'character 12: expected a value after eq'],
    ['(userName eq "a"', 'expected "and", "or" or ")" to close the "(" at character 1'],
    ['foo eq "x"', 'unknown attribute "foo"'],
    ['userName zz "x"', 'expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr)'],
    ['userName eq "unterminated', 'a closing " for the string that starts at character 13'],
    ['active gt true', 'the operator gt does not apply to active, a boolean attribute'],
    ['meta.created gt "not-a-date"', 'expected an ISO 8601 date-time'],
    ['meta.created gt "2024-02-30T00:00:00Z"', 'expected an ISO 8601 date-time'],
    ['meta.created co "2024"', 'the operator co does not apply to meta.created'],
    ['', 'expected an expression such as userName eq "alice", received nothing'],
    ['userName eq "a" and', 'expected an attribute name, "not" or "(", received the end'],
    ['userName eq "a" userName eq "b"', 'expected "and", "or" or the end of the filter'],
    ['userName eq "a")', 'received ")"'],
    ['emails[type eq "work"', 'expected "and", "or" or "]" to close the "["'],
    ['emails[type[value eq "x"] eq "y"]', 'cannot appear inside another one'],
    ['userName[type eq "x"]', 'userName holds a single value, so it takes no value filter'],
    ['emails.foo eq "x"', '"emails.foo" is not a sub-attribute of emails'],
    ['emails[foo eq "x"]', '"foo" is not a sub-attribute of emails'],
    [`${CORE_USER.replace('User', 'Group')}:displayName eq "x"`, 'expected an attribute of'],
    ['active eq "yes"', 'expected true or false for active, received "yes"'],
    ['userName eq true', 'expected a string such as "text" for userName, received true'],
    ['userName eq "a\\qb"', 'expected a JSON escape'],
    ['userName eq "a\\u0000b"', 'U+0000'],
    ['loginCount gt 1.5', 'expected a whole number such as 42 for loginCount'],
    ['loginCount gt "5"', 'expected a whole number such as 42 for loginCount'],
    ['userName gt null', 'null can only be compared with eq or ne'],
    ['emails[type eq "work"].value', 'expected an operator'],
    ['"userName" eq "x"', 'expected an attribute name, "not" or "(", received the string'],
    ['userName eq and', 'expected a value after eq'],
    ['user name eq "x"', 'expected an operator'],
  ])('refuses %j', (filter, message) => {
    const error = catchError(() => translateFilter(filter, schema));

    expect(error).toBeInstanceOf(ScimFilterError);
    expect(error).toMatchObject({ scimType: 'invalidFilter' });
    expect(error.message).toContain(message);
  });
});

function catchError(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the action to throw, but it returned');
}
