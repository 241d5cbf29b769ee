import {
  applyGroupPatch,
  applyUserPatch,
  assertNoPrototypeKeys,
  ENTERPRISE_USER_URN,
  PATCH_OP_SCHEMA,
  type PatchOperation,
  parsePatchRequest,
  ScimPatchError,
  type ScimPatchErrorType,
} from '../src/scim/patch';

type Json = Record<string, unknown>;

const CORE_USER_URN = 'urn:ietf:params:scim:schemas:core:2.0:User';
const CUSTOM_URN = 'urn:ietf:params:scim:schemas:extension:acme:2.0:User';

const body = (...operations: unknown[]) => ({ schemas: [PATCH_OP_SCHEMA], Operations: operations });

const storedUser = (): Json => ({
  schemas: [CORE_USER_URN, ENTERPRISE_USER_URN],
  id: '7d1c0f4e-0000-4000-8000-000000000001',
  externalId: '00u1a2b3c4',
  userName: 'ada@acme.test',
  name: { givenName: 'Ada', familyName: 'Lovelace' },
  displayName: 'Ada Lovelace',
  active: true,
  emails: [{ value: 'ada@acme.test', type: 'work', primary: true }],
  phoneNumbers: [{ value: '+44 20 7946 0000', type: 'work' }],
  [ENTERPRISE_USER_URN]: { employeeNumber: '1815', department: 'Analytics' },
  meta: { resourceType: 'User', created: '2024-01-01T00:00:00Z' },
});

/** Parses a request body the way the SCIM route does, then applies it to a User. */
const patchUser = (resource: Json, ...operations: unknown[]) =>
  applyUserPatch(resource, parsePatchRequest(body(...operations)));

const patchGroup = (...operations: unknown[]) =>
  applyGroupPatch(
    { displayName: 'Engineering', externalId: null },
    parsePatchRequest(body(...operations)),
  );

function scimErrorFrom(action: () => unknown): ScimPatchError {
  try {
    action();
  } catch (error) {
    if (error instanceof ScimPatchError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a ScimPatchError, but the action succeeded');
}

const scimTypeOf = (action: () => unknown): ScimPatchErrorType => scimErrorFrom(action).scimType;

describe('parsePatchRequest', () => {
  it('accepts the capitalised op names Entra ID sends and lower-cases them', () => {
    const operations = parsePatchRequest(
      body(
        { op: 'Replace', path: 'active', value: 'False' },
        { op: 'Add', path: 'title', value: 'Analyst' },
        { op: 'Remove', path: 'nickName' },
      ),
    );

    expect(operations).toEqual([
      { op: 'replace', path: 'active', value: 'False' },
      { op: 'add', path: 'title', value: 'Analyst' },
      { op: 'remove', path: 'nickName' },
    ]);
  });

  it('refuses a body that is not an object or does not declare the PatchOp schema', () => {
    expect(scimTypeOf(() => parsePatchRequest([]))).toBe('invalidSyntax');
    expect(scimTypeOf(() => parsePatchRequest({ Operations: [{ op: 'add' }] }))).toBe(
      'invalidSyntax',
    );
    expect(scimErrorFrom(() => parsePatchRequest({ schemas: [] })).message).toContain(
      PATCH_OP_SCHEMA,
    );
  });

  it('refuses an empty Operations list and one longer than the limit', () => {
    const many = Array.from({ length: 1001 }, () => ({ op: 'add', path: 'title', value: 'x' }));

    expect(scimTypeOf(() => parsePatchRequest(body()))).toBe('invalidSyntax');
    expect(scimErrorFrom(() => parsePatchRequest(body(...many))).message).toContain('at most 1000');
  });

  it('refuses an op other than add, replace or remove and names the operation', () => {
    const error = scimErrorFrom(() =>
      parsePatchRequest(body({ op: 'add', path: 'title', value: 'x' }, { op: 'move', path: 'a' })),
    );

    expect(error.scimType).toBe('invalidSyntax');
    expect(error.message).toMatch(/^Operations\[1\]: .*"move"/);
  });

  it('refuses an unparsable path before any operation is applied', () => {
    const request = body({ op: 'replace', path: 'emails[type eq "work"', value: 'x' });

    expect(scimTypeOf(() => parsePatchRequest(request))).toBe('invalidPath');
  });

  it('refuses a remove without a path as having no target', () => {
    expect(scimTypeOf(() => parsePatchRequest(body({ op: 'remove' })))).toBe('noTarget');
  });

  it('refuses an add without a value and a path-less replace whose value is not an object', () => {
    expect(scimTypeOf(() => parsePatchRequest(body({ op: 'add', path: 'title' })))).toBe(
      'invalidValue',
    );
    expect(scimTypeOf(() => parsePatchRequest(body({ op: 'replace', value: 'x' })))).toBe(
      'invalidValue',
    );
  });
});

describe('applyUserPatch with requests as Okta sends them', () => {
  it('deactivates a user with a path-less replace of active', () => {
    const patched = patchUser(storedUser(), { op: 'replace', value: { active: false } });

    expect(patched.active).toBe(false);
    expect(patched.userName).toBe('ada@acme.test');
  });

  it('merges a path-less name object into the stored name', () => {
    const patched = patchUser(storedUser(), {
      op: 'replace',
      value: { name: { familyName: 'King' }, displayName: 'Ada King' },
    });

    expect(patched.name).toEqual({ givenName: 'Ada', familyName: 'King' });
    expect(patched.displayName).toBe('Ada King');
  });
});

describe('applyUserPatch with requests as Entra ID sends them', () => {
  it('reads "True" and "False" in any case as booleans', () => {
    const patched = patchUser(
      storedUser(),
      { op: 'Replace', path: 'active', value: 'False' },
      { op: 'Add', path: 'roles', value: [{ value: 'auditor', primary: 'TRUE' }] },
    );

    expect(patched.active).toBe(false);
    expect(patched.roles).toEqual([{ value: 'auditor', primary: true }]);
  });

  it('applies a path-less replace whose keys are dotted and URN-qualified names', () => {
    const patched = patchUser(storedUser(), {
      op: 'Replace',
      value: {
        'name.givenName': 'Augusta',
        'emails[type eq "work"].value': 'augusta@acme.test',
        [`${ENTERPRISE_USER_URN}:employeeNumber`]: '1852',
        [`${ENTERPRISE_USER_URN}:department`]: 'Research',
      },
    });

    expect(patched.name).toEqual({ givenName: 'Augusta', familyName: 'Lovelace' });
    expect(patched.emails).toEqual([{ value: 'augusta@acme.test', type: 'work', primary: true }]);
    expect(patched[ENTERPRISE_USER_URN]).toEqual({
      employeeNumber: '1852',
      department: 'Research',
    });
  });

  it('applies a URN key whose value is an object of extension attributes', () => {
    const resource = storedUser();
    delete resource[ENTERPRISE_USER_URN];
    resource.schemas = [CORE_USER_URN];

    const patched = patchUser(resource, {
      op: 'Add',
      value: { [ENTERPRISE_USER_URN]: { costCenter: 'CC-7', manager: { value: 'm-1' } } },
    });

    expect(patched[ENTERPRISE_USER_URN]).toEqual({ costCenter: 'CC-7', manager: { value: 'm-1' } });
    expect(patched.schemas).toEqual([CORE_USER_URN, ENTERPRISE_USER_URN]);
  });

  it('creates the work email when emails[type eq "work"].value matches none', () => {
    const resource = { ...storedUser(), emails: [{ value: 'ada@home.test', type: 'home' }] };

    const patched = patchUser(resource, {
      op: 'Add',
      path: 'emails[type eq "work"].value',
      value: 'ada@acme.test',
    });

    expect(patched.emails).toEqual([
      { value: 'ada@home.test', type: 'home' },
      { type: 'work', value: 'ada@acme.test' },
    ]);
  });

  it('changes only the address a filter matches, creating the sub-attribute if needed', () => {
    const resource = {
      ...storedUser(),
      addresses: [
        { type: 'work', locality: 'London' },
        { type: 'home', locality: 'Ockham' },
      ],
    };

    const patched = patchUser(resource, {
      op: 'Replace',
      path: 'addresses[type eq "work"].streetAddress',
      value: '10 Marylebone Rd',
    });

    expect(patched.addresses).toEqual([
      { type: 'work', locality: 'London', streetAddress: '10 Marylebone Rd' },
      { type: 'home', locality: 'Ockham' },
    ]);
  });

  it.each([
    ['a one-element array', [{ value: 'm-42' }]],
    ['an object', { value: 'm-42' }],
    ['a bare id', 'm-42'],
  ])('stores a manager sent as %s as { value: id }', (_shape, manager) => {
    const patched = patchUser(storedUser(), {
      op: 'Replace',
      path: `${ENTERPRISE_USER_URN}:manager`,
      value: manager,
    });

    expect(patched[ENTERPRISE_USER_URN]).toMatchObject({ manager: { value: 'm-42' } });
  });

  it('replaces the whole manager instead of keeping the previous manager’s $ref', () => {
    const resource = storedUser();
    resource[ENTERPRISE_USER_URN] = { manager: { value: 'm-1', $ref: '../Users/m-1' } };

    const patched = patchUser(resource, {
      op: 'Replace',
      path: `${ENTERPRISE_USER_URN}:manager`,
      value: 'm-2',
    });

    expect(patched[ENTERPRISE_USER_URN]).toEqual({ manager: { value: 'm-2' } });
  });

  it('removes the manager with a URN-qualified path', () => {
    const resource = storedUser();
    resource[ENTERPRISE_USER_URN] = { department: 'Analytics', manager: { value: 'm-1' } };

    const patched = patchUser(resource, {
      op: 'Remove',
      path: `${ENTERPRISE_USER_URN}:manager`,
    });

    expect(patched[ENTERPRISE_USER_URN]).toEqual({ department: 'Analytics' });
  });
});

describe('applyUserPatch attribute semantics', () => {
  it('matches attribute names without case, keeping a stored spelling or the canonical one', () => {
    const resource = { ...storedUser(), Title: 'Analyst' };

    const patched = patchUser(
      resource,
      { op: 'replace', path: 'TITLE', value: 'Lead Analyst' },
      { op: 'add', path: 'NICKNAME', value: 'Ada' },
      { op: 'replace', path: 'Name.GivenName', value: 'Augusta' },
    );

    expect(patched).toMatchObject({ Title: 'Lead Analyst', nickName: 'Ada' });
    expect(patched).not.toHaveProperty('title');
    expect(patched.name).toEqual({ givenName: 'Augusta', familyName: 'Lovelace' });
  });

  it('appends to a multi-valued attribute and skips a value it already holds', () => {
    const patched = patchUser(storedUser(), {
      op: 'add',
      path: 'phoneNumbers',
      value: [
        { value: '+44 20 7946 0000', type: 'work' },
        { value: '+44 7700 900000', type: 'mobile' },
      ],
    });

    expect(patched.phoneNumbers).toEqual([
      { value: '+44 20 7946 0000', type: 'work' },
      { value: '+44 7700 900000', type: 'mobile' },
    ]);
  });

  it('replaces a whole multi-valued attribute', () => {
    const patched = patchUser(storedUser(), {
      op: 'replace',
      path: 'emails',
      value: [{ value: 'ada@newco.test', type: 'work' }],
    });

    expect(patched.emails).toEqual([{ value: 'ada@newco.test', type: 'work' }]);
  });

  it('removes a whole attribute and treats removing an absent one as already done', () => {
    const patched = patchUser(
      storedUser(),
      { op: 'remove', path: 'phoneNumbers' },
      { op: 'remove', path: 'nickName' },
    );

    expect(patched).not.toHaveProperty('phoneNumbers');
    expect(patched).not.toHaveProperty('nickName');
  });

  it('unassigns an attribute replaced with null', () => {
    const patched = patchUser(storedUser(), { op: 'replace', path: 'displayName', value: null });

    expect(patched).not.toHaveProperty('displayName');
  });

  it('makes a value just set as primary the only primary one', () => {
    const added = patchUser(storedUser(), {
      op: 'add',
      path: 'emails',
      value: [{ value: 'ada@home.test', type: 'home', primary: true }],
    });
    const flagged = patchUser(
      {
        ...storedUser(),
        emails: [...(storedUser().emails as Json[]), { value: 'h@x.test', type: 'home' }],
      },
      { op: 'replace', path: 'emails[type eq "home"].primary', value: 'True' },
    );

    expect(added.emails).toEqual([
      { value: 'ada@acme.test', type: 'work', primary: false },
      { value: 'ada@home.test', type: 'home', primary: true },
    ]);
    expect(flagged.emails).toEqual([
      { value: 'ada@acme.test', type: 'work', primary: false },
      { value: 'h@x.test', type: 'home', primary: true },
    ]);
  });

  it('refuses to write two primary values at once', () => {
    const twoPrimaries = {
      op: 'replace',
      path: 'emails',
      value: [
        { value: 'a@acme.test', primary: true },
        { value: 'b@acme.test', primary: true },
      ],
    };

    expect(scimTypeOf(() => patchUser(storedUser(), twoPrimaries))).toBe('invalidValue');
  });

  it('removes only the values a filter matches', () => {
    const resource = {
      ...storedUser(),
      phoneNumbers: [
        { value: '1', type: 'work' },
        { value: '2', type: 'mobile' },
      ],
    };

    const patched = patchUser(resource, { op: 'remove', path: 'phoneNumbers[type eq "Mobile"]' });

    expect(patched.phoneNumbers).toEqual([{ value: '1', type: 'work' }]);
  });

  it('replaces a whole value that a filter matches', () => {
    const resource = { ...storedUser(), phoneNumbers: [{ value: '1', type: 'mobile' }] };

    const patched = patchUser(resource, {
      op: 'replace',
      path: 'phoneNumbers[type eq "mobile"]',
      value: { value: '2', type: 'mobile', primary: 'true' },
    });

    expect(patched.phoneNumbers).toEqual([{ value: '2', type: 'mobile', primary: true }]);
  });

  it.each([
    ['type ne "work"', ['w@x.test']],
    ['value co "home"', ['w@x.test', 'o@other.test']],
    ['value sw "O"', ['w@x.test', 'h@home.test']],
    ['display pr', ['h@home.test', 'o@other.test']],
    ['type eq "work" and display pr', ['h@home.test', 'o@other.test']],
    ['type eq "home" or value ew "other.test"', ['w@x.test']],
    ['not (type eq "work")', ['w@x.test']],
  ])('removes the emails matching [%s]', (filter, remaining) => {
    const resource = {
      ...storedUser(),
      emails: [
        { value: 'w@x.test', type: 'work', display: 'Work' },
        { value: 'h@home.test', type: 'home' },
        { value: 'o@other.test', type: 'other' },
      ],
    };

    const patched = patchUser(resource, { op: 'remove', path: `emails[${filter}]` });

    expect((patched.emails as Json[]).map((email) => email.value)).toEqual(remaining);
  });

  it('stores attributes of an extension it has no schema for as sent, and lists the schema', () => {
    const patched = patchUser(
      storedUser(),
      { op: 'add', value: { [CUSTOM_URN]: { badge: 'B-12', floors: [3, 4] } } },
      { op: 'add', path: `${CUSTOM_URN}:floors`, value: [4, 5] },
      { op: 'replace', value: { [`${CUSTOM_URN}:badge`]: 'B-13' } },
    );

    expect(patched[CUSTOM_URN]).toEqual({ badge: 'B-13', floors: [3, 4, 5] });
    expect(patched.schemas).toEqual([CORE_USER_URN, ENTERPRISE_USER_URN, CUSTOM_URN]);
  });

  it('removes a whole extension and drops it from schemas', () => {
    const patched = patchUser(storedUser(), { op: 'remove', path: ENTERPRISE_USER_URN });

    expect(patched).not.toHaveProperty([ENTERPRISE_USER_URN]);
    expect(patched.schemas).toEqual([CORE_USER_URN]);
  });

  it('ignores read-only attributes in a path-less value', () => {
    const patched = patchUser(storedUser(), {
      op: 'replace',
      value: { id: 'other', schemas: [], meta: {}, groups: [{ value: 'g' }], title: 'Lead' },
    });

    expect(patched).toEqual({ ...storedUser(), title: 'Lead' });
  });

  it('returns a new object and leaves the input and the request untouched', () => {
    const resource = storedUser();
    const emails = [{ value: 'ada@newco.test', type: 'work' }];

    const patched = patchUser(
      resource,
      { op: 'replace', path: 'emails', value: emails },
      { op: 'replace', path: 'name.givenName', value: 'Augusta' },
    );
    (patched.emails as Json[])[0].value = 'changed@later.test';

    expect(resource).toEqual(storedUser());
    expect(emails).toEqual([{ value: 'ada@newco.test', type: 'work' }]);
  });

  it('applies nothing when a later operation fails', () => {
    const resource = storedUser();
    const operations: PatchOperation[] = [
      { op: 'replace', path: 'active', value: false },
      { op: 'remove', path: 'userName' },
    ];

    const error = scimErrorFrom(() => applyUserPatch(resource, operations));

    expect(error.message).toMatch(/^Operations\[1\]: /);
    expect(resource).toEqual(storedUser());
  });
});

describe('applyUserPatch errors', () => {
  it.each([
    ['remove with a filter that matches nothing', { op: 'remove', path: 'emails[type eq "home"]' }],
    [
      'replace of a whole value with a filter that matches nothing',
      { op: 'replace', path: 'emails[type eq "home"]', value: { value: 'h@x.test' } },
    ],
    [
      'a write through a filter that cannot describe a new value',
      { op: 'add', path: 'emails[type sw "ho"].value', value: 'h@x.test' },
    ],
  ])('reports noTarget for %s', (_case, operation) => {
    expect(scimTypeOf(() => patchUser(storedUser(), operation))).toBe('noTarget');
  });

  it.each([
    ['removing userName', { op: 'remove', path: 'userName' }],
    ['replacing userName with null', { op: 'replace', value: { userName: null } }],
    ['a path of id', { op: 'replace', path: 'id', value: 'x' }],
    ['a path into meta', { op: 'replace', path: 'meta.lastModified', value: 'x' }],
    ['a path of groups', { op: 'add', path: 'groups', value: [{ value: 'g' }] }],
    ['a path of schemas', { op: 'replace', path: 'schemas', value: [] }],
    ['a password, which this gateway never stores', { op: 'replace', value: { password: 'pw' } }],
  ])('reports mutability for %s', (_case, operation) => {
    expect(scimTypeOf(() => patchUser(storedUser(), operation))).toBe('mutability');
  });

  it.each([
    'emails[type eq "work"',
    'name..givenName',
    'name.givenName.first',
    'emails[type zz "work"]',
    'emails[type eq work]',
    'emails[type eq "work"]value',
    'emails[type eq "work"][value pr]',
    '1title',
    'urn:ietf:params:scim:schemas:core:2.0:User',
  ])('reports invalidPath for the unparsable path %s', (path) => {
    const operation = { op: 'replace', path, value: 'x' };

    expect(scimTypeOf(() => applyUserPatch(storedUser(), [operation as PatchOperation]))).toBe(
      'invalidPath',
    );
  });

  it.each([
    ['an unknown attribute', 'shoeSize'],
    ['an unknown enterprise attribute', `${ENTERPRISE_USER_URN}:shoeSize`],
    ['an unknown sub-attribute', 'name.nickname'],
    ['a filter on a single-valued attribute', 'name[givenName eq "Ada"]'],
    ['a filter on an unknown sub-attribute', 'emails[kind eq "work"].value'],
    ['a sub-attribute of every email at once', 'emails.value'],
    [
      'a path into the core Group schema',
      'urn:ietf:params:scim:schemas:core:2.0:Group:displayName',
    ],
  ])('reports invalidPath for %s', (_case, path) => {
    expect(scimTypeOf(() => patchUser(storedUser(), { op: 'replace', path, value: 'x' }))).toBe(
      'invalidPath',
    );
  });

  it('refuses an add without a value even when the operation was built in code', () => {
    const resource = storedUser();

    expect(scimTypeOf(() => applyUserPatch(resource, [{ op: 'add', path: 'emails' }]))).toBe(
      'invalidValue',
    );
    expect(resource.emails).toEqual(storedUser().emails);
  });

  it.each([
    ['emails given a string', 'emails', 'ada@acme.test'],
    ['active given "maybe"', 'active', 'maybe'],
    ['userName given an empty string', 'userName', ' '],
    ['name given a string', 'name', 'Ada Lovelace'],
    ['an email with an unknown sub-attribute', 'emails', [{ value: 'a@x.test', label: 'w' }]],
    ['two managers', `${ENTERPRISE_USER_URN}:manager`, [{ value: 'a' }, { value: 'b' }]],
    ['a title given a number', 'title', 7],
  ])('reports invalidValue for %s', (_case, path, value) => {
    const error = scimErrorFrom(() => patchUser(storedUser(), { op: 'replace', path, value }));

    expect(error.scimType).toBe('invalidValue');
    expect(error.message).toContain('expects');
  });
});

describe('applyGroupPatch', () => {
  it('renames a group from Okta’s path-less replace and ignores the id it repeats', () => {
    const result = patchGroup({
      op: 'replace',
      value: { id: 'a1b2c3', displayName: 'Platform Engineering' },
    });

    expect(result).toEqual({
      displayName: 'Platform Engineering',
      externalId: null,
      addMembers: [],
      removeMembers: [],
      replaceMembers: null,
    });
  });

  it('adds the members Okta lists under path members', () => {
    const result = patchGroup({
      op: 'add',
      path: 'members',
      value: [
        { value: 'u-1', display: 'ada@acme.test' },
        { value: 'u-2', display: 'alan@acme.test' },
      ],
    });

    expect(result.addMembers).toEqual(['u-1', 'u-2']);
  });

  it('removes the member a members[value eq] filter names, as Okta sends it', () => {
    const result = patchGroup({ op: 'remove', path: 'members[value eq "u-1"]' });

    expect(result.removeMembers).toEqual(['u-1']);
    expect(result.replaceMembers).toBeNull();
  });

  it('removes exactly the members Entra ID lists in a Remove value', () => {
    const result = patchGroup({
      op: 'Remove',
      path: 'members',
      value: [{ value: 'u-1' }, { value: 'u-3' }],
    });

    expect(result).toMatchObject({ removeMembers: ['u-1', 'u-3'], replaceMembers: null });
  });

  it('replaces the whole member list', () => {
    const result = patchGroup({ op: 'replace', path: 'members', value: [{ value: 'u-9' }] });

    expect(result).toMatchObject({ addMembers: [], removeMembers: [], replaceMembers: ['u-9'] });
  });

  it('adds members from a path-less add', () => {
    const result = patchGroup({ op: 'Add', value: { members: [{ value: 'u-4' }] } });

    expect(result.addMembers).toEqual(['u-4']);
  });

  it('empties the group when members is removed without a value or filter', () => {
    expect(patchGroup({ op: 'remove', path: 'members' }).replaceMembers).toEqual([]);
  });

  it('folds adds and removes that follow a replacement into the replacement list', () => {
    const result = patchGroup(
      { op: 'replace', path: 'members', value: [{ value: 'u-1' }, { value: 'u-2' }] },
      { op: 'add', path: 'members', value: [{ value: 'u-3' }] },
      { op: 'remove', path: 'members[value eq "u-1"]' },
    );

    expect(result).toMatchObject({
      addMembers: [],
      removeMembers: [],
      replaceMembers: ['u-2', 'u-3'],
    });
  });

  it('lets a later remove cancel an earlier add of the same member', () => {
    const result = patchGroup(
      { op: 'add', path: 'members', value: [{ value: 'u-1' }, { value: 'u-2' }] },
      { op: 'remove', path: 'members', value: [{ value: 'u-2' }] },
    );

    expect(result).toMatchObject({ addMembers: ['u-1'], removeMembers: ['u-2'] });
  });

  it('accepts a displayName path qualified with the core Group schema', () => {
    const result = patchGroup({
      op: 'replace',
      path: 'urn:ietf:params:scim:schemas:core:2.0:Group:displayName',
      value: 'Platform',
    });

    expect(result.displayName).toBe('Platform');
  });

  it('replaces and removes externalId', () => {
    expect(patchGroup({ op: 'replace', path: 'externalId', value: '00g1' }).externalId).toBe(
      '00g1',
    );
    const cleared = applyGroupPatch({ displayName: 'Eng', externalId: '00g1' }, [
      { op: 'remove', path: 'externalId' },
    ]);

    expect(cleared.externalId).toBeNull();
  });

  it.each<[string, unknown, ScimPatchErrorType]>([
    ['removing displayName', { op: 'remove', path: 'displayName' }, 'mutability'],
    ['a path of id', { op: 'replace', path: 'id', value: 'x' }, 'mutability'],
    ['a blank displayName', { op: 'replace', path: 'displayName', value: '' }, 'invalidValue'],
    [
      'a member without an id',
      { op: 'add', path: 'members', value: [{ display: 'x' }] },
      'invalidValue',
    ],
    ['members given a string', { op: 'add', path: 'members', value: 'u-1' }, 'invalidValue'],
    [
      'a member filter that is not by id',
      { op: 'remove', path: 'members[display eq "x"]' },
      'invalidPath',
    ],
    [
      'a member filter on add',
      { op: 'add', path: 'members[value eq "u-1"]', value: {} },
      'invalidPath',
    ],
    ['an unknown attribute', { op: 'replace', path: 'owner', value: 'x' }, 'invalidPath'],
  ])('refuses %s', (_case, operation, scimType) => {
    expect(scimTypeOf(() => patchGroup(operation))).toBe(scimType);
  });
});

describe('prototype pollution', () => {
  afterEach(() => {
    expect(({} as Json).polluted).toBeUndefined();
    expect((Object.prototype.toString as unknown as Json).polluted).toBeUndefined();
  });

  it('assertNoPrototypeKeys rejects a __proto__ key that JSON.parse kept, at any depth', () => {
    const shallow = JSON.parse('{"__proto__": {"polluted": 1}}');
    const inArray = JSON.parse('{"Operations": [{"value": [{"__proto__": {"polluted": 1}}]}]}');

    expect(scimTypeOf(() => assertNoPrototypeKeys(shallow))).toBe('invalidValue');
    expect(scimErrorFrom(() => assertNoPrototypeKeys(inArray)).message).toContain(
      'body.Operations[0].value[0]',
    );
  });

  it('assertNoPrototypeKeys rejects constructor and prototype keys but not ordinary ones', () => {
    expect(scimTypeOf(() => assertNoPrototypeKeys({ a: { constructor: {} } }))).toBe(
      'invalidValue',
    );
    expect(scimTypeOf(() => assertNoPrototypeKeys([{ prototype: 1 }]))).toBe('invalidValue');
    expect(() => assertNoPrototypeKeys(body({ op: 'add', value: { title: 'x' } }))).not.toThrow();
  });

  it('parsePatchRequest refuses a body carrying a __proto__ key', () => {
    const operation = '{"op": "add", "value": {"__proto__": {"polluted": 1}}}';
    const hostile = JSON.parse(`{"schemas": ["${PATCH_OP_SCHEMA}"], "Operations": [${operation}]}`);

    expect(scimTypeOf(() => parsePatchRequest(hostile))).toBe('invalidValue');
  });

  it.each([
    '__proto__.polluted',
    'constructor.prototype.polluted',
    'constructor',
    'toString.polluted',
    `${CUSTOM_URN}:__proto__`,
    'emails[__proto__ eq "x"].value',
  ])('refuses the path %s as invalid', (path) => {
    const operation: PatchOperation = { op: 'add', path, value: 1 };

    expect(scimTypeOf(() => applyUserPatch(storedUser(), [operation]))).toBe('invalidPath');
    expect(scimTypeOf(() => applyGroupPatch({ displayName: 'x' }, [operation]))).toBe(
      'invalidPath',
    );
  });

  it('refuses hostile keys in values even when the request skipped parsePatchRequest', () => {
    const protoValue = JSON.parse('{"op": "add", "value": {"__proto__": {"polluted": 1}}}');
    const nested = JSON.parse(
      '{"op": "add", "path": "name", "value": {"__proto__": {"polluted": 1}}}',
    );
    const dotted: PatchOperation = { op: 'add', value: { 'constructor.prototype.polluted': 1 } };

    expect(scimTypeOf(() => applyUserPatch(storedUser(), [protoValue]))).toBe('invalidValue');
    expect(scimTypeOf(() => applyUserPatch(storedUser(), [nested]))).toBe('invalidValue');
    expect(scimTypeOf(() => applyUserPatch(storedUser(), [dotted]))).toBe('invalidPath');
    expect(scimTypeOf(() => applyGroupPatch({ displayName: 'x' }, [protoValue]))).toBe(
      'invalidValue',
    );
  });

  it('stores an inherited member name of an unknown extension as plain data', () => {
    const patched = applyUserPatch(storedUser(), [
      { op: 'add', path: `${CUSTOM_URN}:toString`, value: 'kept as data' },
    ]);

    expect(patched[CUSTOM_URN]).toEqual({ toString: 'kept as data' });
    expect(typeof ({} as Json).toString).toBe('function');
  });
});
