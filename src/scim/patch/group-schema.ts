import { type AttributeDefinition, COMMON_READ_ONLY_ATTRIBUTES } from './attribute-definition';

export const CORE_GROUP_URN = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/** The core Group schema of RFC 7643 §4.2. */
export const GROUP_ATTRIBUTES: readonly AttributeDefinition[] = [
  ...COMMON_READ_ONLY_ATTRIBUTES,
  { name: 'displayName', type: 'string', required: true },
  { name: 'externalId', type: 'string', caseExact: true },
  {
    name: 'members',
    type: 'complex',
    multiValued: true,
    subAttributes: [
      { name: 'value', type: 'string', caseExact: true },
      { name: '$ref', type: 'reference' },
      { name: 'display', type: 'string' },
      { name: 'type', type: 'string' },
    ],
  },
];
