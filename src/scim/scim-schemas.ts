export const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const SEARCH_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const SPC_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
export const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
export const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';

export const MAX_RESULTS = 1000;
export const DEFAULT_COUNT = 100;

interface AttributeDoc {
  name: string;
  type: 'string' | 'boolean' | 'complex' | 'dateTime' | 'reference';
  multiValued?: boolean;
  required?: boolean;
  caseExact?: boolean;
  mutability?: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  returned?: 'always' | 'default' | 'never';
  uniqueness?: 'none' | 'server';
  subAttributes?: AttributeDoc[];
  referenceTypes?: string[];
}

const attr = (name: string, extra: Partial<AttributeDoc> = {}): AttributeDoc => ({
  name,
  type: 'string',
  multiValued: false,
  required: false,
  caseExact: false,
  mutability: 'readWrite',
  returned: 'default',
  uniqueness: 'none',
  ...extra,
});

const multi = (name: string, subs: AttributeDoc[]): AttributeDoc =>
  attr(name, { type: 'complex', multiValued: true, subAttributes: subs });

const typedValue = (extra: AttributeDoc[] = []) => [
  attr('value'),
  attr('display'),
  attr('type'),
  attr('primary', { type: 'boolean' }),
  ...extra,
];

const USER_ATTRIBUTES: AttributeDoc[] = [
  attr('userName', { required: true, uniqueness: 'server' }),
  attr('name', {
    type: 'complex',
    subAttributes: [
      'formatted',
      'familyName',
      'givenName',
      'middleName',
      'honorificPrefix',
      'honorificSuffix',
    ].map((n) => attr(n)),
  }),
  attr('displayName'),
  attr('nickName'),
  attr('profileUrl', { type: 'reference', referenceTypes: ['external'] }),
  attr('title'),
  attr('userType'),
  attr('preferredLanguage'),
  attr('locale'),
  attr('timezone'),
  attr('active', { type: 'boolean' }),
  attr('password', { mutability: 'writeOnly', returned: 'never' }),
  multi('emails', typedValue()),
  multi('phoneNumbers', typedValue()),
  multi('ims', typedValue()),
  multi('photos', typedValue()),
  multi('addresses', [
    ...['formatted', 'streetAddress', 'locality', 'region', 'postalCode', 'country', 'type'].map(
      (n) => attr(n),
    ),
    attr('primary', { type: 'boolean' }),
  ]),
  attr('groups', {
    type: 'complex',
    multiValued: true,
    mutability: 'readOnly',
    subAttributes: [attr('value', { mutability: 'readOnly' }), attr('display')],
  }),
  attr('externalId', { caseExact: true }),
];

const ENTERPRISE_ATTRIBUTES: AttributeDoc[] = [
  ...['employeeNumber', 'costCenter', 'organization', 'division', 'department'].map((n) => attr(n)),
  attr('manager', {
    type: 'complex',
    subAttributes: [
      attr('value', { caseExact: true }),
      attr('$ref', { type: 'reference', referenceTypes: ['User'] }),
      attr('displayName', { mutability: 'readOnly' }),
    ],
  }),
];

const GROUP_ATTRIBUTES: AttributeDoc[] = [
  attr('displayName', { required: true, uniqueness: 'server' }),
  attr('members', {
    type: 'complex',
    multiValued: true,
    subAttributes: [
      attr('value', { mutability: 'immutable', caseExact: true }),
      attr('$ref', { type: 'reference', referenceTypes: ['User'], mutability: 'immutable' }),
      attr('display', { mutability: 'readOnly' }),
      attr('type', { mutability: 'immutable' }),
    ],
  }),
  attr('externalId', { caseExact: true }),
];

export function schemaDocs(baseUrl: string) {
  const doc = (id: string, name: string, description: string, attributes: AttributeDoc[]) => ({
    schemas: [SCHEMA_SCHEMA],
    id,
    name,
    description,
    attributes,
    meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${id}` },
  });

  return [
    doc(CORE_USER, 'User', 'User account', USER_ATTRIBUTES),
    doc(ENTERPRISE_USER, 'EnterpriseUser', 'Enterprise user extension', ENTERPRISE_ATTRIBUTES),
    doc(CORE_GROUP, 'Group', 'Group, synced as a team', GROUP_ATTRIBUTES),
  ];
}

export function resourceTypeDocs(baseUrl: string) {
  return [
    {
      schemas: [RESOURCE_TYPE_SCHEMA],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: 'User account',
      schema: CORE_USER,
      schemaExtensions: [{ schema: ENTERPRISE_USER, required: false }],
      meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/User` },
    },
    {
      schemas: [RESOURCE_TYPE_SCHEMA],
      id: 'Group',
      name: 'Group',
      endpoint: '/Groups',
      description: 'Group, synced as a team',
      schema: CORE_GROUP,
      schemaExtensions: [],
      meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/Group` },
    },
  ];
}

/** Says exactly what this server supports, so clients need not probe. */
export function serviceProviderConfig(baseUrl: string) {
  return {
    schemas: [SPC_SCHEMA],
    documentationUri: `${baseUrl}/ServiceProviderConfig`,
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'A SCIM token issued by the rotateScimToken mutation, sent as Bearer.',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
  };
}
