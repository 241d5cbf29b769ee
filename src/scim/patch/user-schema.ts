import { type AttributeDefinition, COMMON_READ_ONLY_ATTRIBUTES } from './attribute-definition';

export const CORE_USER_URN = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_USER_URN = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const text = (name: string, extra: Partial<AttributeDefinition> = {}): AttributeDefinition => ({
  name,
  type: 'string',
  ...extra,
});

const complex = (
  name: string,
  subAttributes: readonly AttributeDefinition[],
  extra: Partial<AttributeDefinition> = {},
): AttributeDefinition => ({ name, type: 'complex', subAttributes, ...extra });

const PRIMARY: AttributeDefinition = { name: 'primary', type: 'boolean' };

/** The value/display/type/primary shape shared by emails, phoneNumbers, ims, roles and others. */
const labelledValues = (name: string, valueType: AttributeDefinition['type'] = 'string') =>
  complex(name, [{ name: 'value', type: valueType }, text('display'), text('type'), PRIMARY], {
    multiValued: true,
  });

/** The core User schema of RFC 7643 §4.1. */
export const USER_ATTRIBUTES: readonly AttributeDefinition[] = [
  ...COMMON_READ_ONLY_ATTRIBUTES,
  text('externalId', { caseExact: true }),
  text('userName', { required: true }),
  complex('name', [
    text('formatted'),
    text('familyName'),
    text('givenName'),
    text('middleName'),
    text('honorificPrefix'),
    text('honorificSuffix'),
  ]),
  text('displayName'),
  text('nickName'),
  { name: 'profileUrl', type: 'reference' },
  text('title'),
  text('userType'),
  text('preferredLanguage'),
  text('locale'),
  text('timezone'),
  { name: 'active', type: 'boolean' },
  text('password', {
    refusal:
      'this gateway keeps no passwords because users sign in through their identity provider; ' +
      'turn off password synchronisation in the provisioning app',
  }),
  labelledValues('emails'),
  labelledValues('phoneNumbers'),
  labelledValues('ims'),
  labelledValues('photos', 'reference'),
  complex(
    'addresses',
    [
      text('formatted'),
      text('streetAddress'),
      text('locality'),
      text('region'),
      text('postalCode'),
      text('country'),
      text('type'),
      PRIMARY,
    ],
    { multiValued: true },
  ),
  complex(
    'groups',
    [text('value'), { name: '$ref', type: 'reference' }, text('display'), text('type')],
    { multiValued: true, readOnly: true },
  ),
  labelledValues('entitlements'),
  labelledValues('roles'),
  labelledValues('x509Certificates', 'binary'),
];

/** The enterprise User extension of RFC 7643 §4.3. */
export const ENTERPRISE_USER_ATTRIBUTES: readonly AttributeDefinition[] = [
  text('employeeNumber'),
  text('costCenter'),
  text('organization'),
  text('division'),
  text('department'),
  // Entra ID sends the manager as [{"value": id}], {"value": id} or a bare id string.
  complex(
    'manager',
    [
      text('value', { caseExact: true }),
      { name: '$ref', type: 'reference' },
      text('displayName', { readOnly: true }),
    ],
    { shorthand: 'value' },
  ),
];
