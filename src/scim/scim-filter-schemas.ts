import type { FilterSchema, ScalarAttribute } from './filter';
import { CORE_GROUP, CORE_USER, ENTERPRISE_USER } from './scim-schemas';

const scalar = (
  sql: string,
  type: ScalarAttribute['type'],
  caseExact: boolean,
): ScalarAttribute => ({ kind: 'scalar', sql, type, caseExact });

/** A stored SCIM string attribute, read from the JSON the IdP sent. */
const stored = (path: string[], caseExact = false) =>
  scalar(`u.scim #>> '{${path.join(',')}}'`, 'string', caseExact);

const MANAGER = stored([ENTERPRISE_USER, 'manager', 'value'], true);

/**
 * Where each filterable User attribute lives, for queries over `app_user u`. Users who were
 * never written by SCIM have no stored emails; their email stands in as the primary one.
 */
export const USER_FILTER_SCHEMA: FilterSchema = {
  schemaUrns: [CORE_USER, ENTERPRISE_USER],
  attributes: {
    id: scalar('u.id::text', 'string', true),
    username: scalar('u.user_name', 'string', false),
    externalid: scalar('u.external_id', 'string', true),
    displayname: scalar('u.display_name', 'string', false),
    active: scalar(`(u.status <> 'DEACTIVATED')`, 'boolean', false),
    title: stored(['title']),
    usertype: stored(['userType']),
    'name.givenname': stored(['name', 'givenName']),
    'name.familyname': stored(['name', 'familyName']),
    'name.formatted': stored(['name', 'formatted']),
    'meta.created': scalar('u.created_at', 'dateTime', false),
    'meta.lastmodified': scalar('u.updated_at', 'dateTime', false),
    emails: {
      kind: 'multi',
      elements: `case when jsonb_typeof(u.scim -> 'emails') = 'array' then u.scim -> 'emails'
        else jsonb_build_array(jsonb_build_object('value', u.email, 'type', 'work',
        'primary', true)) end`,
      subAttributes: {
        value: { type: 'string', caseExact: false },
        type: { type: 'string', caseExact: false },
        primary: { type: 'boolean', caseExact: false },
        display: { type: 'string', caseExact: false },
      },
      defaultSub: 'value',
    },
    phonenumbers: {
      kind: 'multi',
      // Anything but an array (a stored null, say) reads as no phone numbers, never an error.
      elements: `case when jsonb_typeof(u.scim -> 'phoneNumbers') = 'array'
        then u.scim -> 'phoneNumbers' end`,
      subAttributes: {
        value: { type: 'string', caseExact: false },
        type: { type: 'string', caseExact: false },
        primary: { type: 'boolean', caseExact: false },
      },
      defaultSub: 'value',
    },
    manager: MANAGER,
    'manager.value': MANAGER,
    employeenumber: stored([ENTERPRISE_USER, 'employeeNumber'], true),
    department: stored([ENTERPRISE_USER, 'department']),
  },
};

/** Filterable Group attributes, for queries over `team t`; members come from memberships. */
export const GROUP_FILTER_SCHEMA: FilterSchema = {
  schemaUrns: [CORE_GROUP],
  attributes: {
    id: scalar('t.id::text', 'string', true),
    displayname: scalar('t.name', 'string', false),
    externalid: scalar('t.external_id', 'string', true),
    'meta.created': scalar('t.created_at', 'dateTime', false),
    'meta.lastmodified': scalar('t.updated_at', 'dateTime', false),
    members: {
      kind: 'multi',
      elements: `(select coalesce(jsonb_agg(jsonb_build_object('value', tm.user_id::text)),
        '[]'::jsonb) from "team_membership" tm where tm.team_id = t.id)`,
      subAttributes: { value: { type: 'string', caseExact: true } },
      defaultSub: 'value',
    },
  },
};

const NULL_OF_TYPE: Record<ScalarAttribute['type'], string> = {
  string: 'null::text',
  reference: 'null::text',
  boolean: 'null::boolean',
  dateTime: 'null::timestamptz',
  integer: 'null::integer',
};

/**
 * A search from the server root filters users and groups alike, and an attribute one type
 * lacks counts as having no value there (RFC 7644 §3.4.2.2): `userName eq "x"` matches no
 * group, and `not (userName eq "x")` every group, instead of failing as an unknown name.
 */
function acrossTypes(own: FilterSchema, other: FilterSchema): FilterSchema {
  const attributes = { ...own.attributes };
  for (const [name, attribute] of Object.entries(other.attributes)) {
    if (name in attributes) continue;
    attributes[name] =
      attribute.kind === 'multi'
        ? { ...attribute, elements: 'null::jsonb' }
        : { ...attribute, sql: NULL_OF_TYPE[attribute.type] };
  }

  return { schemaUrns: [...new Set([...own.schemaUrns, ...other.schemaUrns])], attributes };
}

export const ROOT_USER_FILTER_SCHEMA = acrossTypes(USER_FILTER_SCHEMA, GROUP_FILTER_SCHEMA);
export const ROOT_GROUP_FILTER_SCHEMA = acrossTypes(GROUP_FILTER_SCHEMA, USER_FILTER_SCHEMA);

/** The attribute names as SCIM writes them; the schemas above key them in lower case. */
const SPELLED = [
  'id',
  'userName',
  'externalId',
  'displayName',
  'active',
  'title',
  'userType',
  'name.givenName',
  'name.familyName',
  'name.formatted',
  'meta.created',
  'meta.lastModified',
  'phoneNumbers',
  'manager',
  'manager.value',
  'employeeNumber',
  'department',
  'members',
];

/** How to show a lower-cased schema key to a client, e.g. in an error's detail. */
export function spelledAttribute(key: string): string {
  return SPELLED.find((name) => name.toLowerCase() === key) ?? key;
}
