import { sameName } from './attribute-name';

export type AttributeType =
  | 'string'
  | 'boolean'
  | 'decimal'
  | 'integer'
  | 'dateTime'
  | 'reference'
  | 'binary'
  | 'complex';

/** RFC 7643 §7 characteristics, limited to what the PATCH engine acts on. */
export interface AttributeDefinition {
  /** Canonical spelling, used when the stored resource has no key for the attribute yet. */
  readonly name: string;
  readonly type: AttributeType;
  readonly multiValued?: boolean;
  readonly required?: boolean;
  readonly readOnly?: boolean;
  /** Whether value filters compare this sub-attribute's strings with case. */
  readonly caseExact?: boolean;
  readonly subAttributes?: readonly AttributeDefinition[];
  /**
   * For a single-valued complex attribute identified by one sub-attribute: the sub-attribute
   * that a bare value, or a one-element array, stands for.
   */
  readonly shorthand?: string;
  /** Set for attributes this gateway refuses to store; says why and what to do instead. */
  readonly refusal?: string;
}

/** Attributes every resource carries and only the server sets (RFC 7643 §3.1). */
export const COMMON_READ_ONLY_ATTRIBUTES: readonly AttributeDefinition[] = [
  { name: 'id', type: 'string', readOnly: true, caseExact: true },
  { name: 'schemas', type: 'reference', readOnly: true, multiValued: true },
  { name: 'meta', type: 'complex', readOnly: true },
];

export function findAttribute(
  definitions: readonly AttributeDefinition[],
  name: string,
): AttributeDefinition | undefined {
  return definitions.find((definition) => sameName(definition.name, name));
}

export function attributeNames(definitions: readonly AttributeDefinition[]): string {
  return definitions
    .filter((definition) => !definition.readOnly)
    .map((definition) => definition.name)
    .join(', ');
}
