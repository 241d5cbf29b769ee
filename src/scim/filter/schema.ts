/** The SCIM data types a filter can compare (RFC 7643 §2.3); binary and complex cannot be. */
export type ScimType = 'string' | 'boolean' | 'dateTime' | 'reference' | 'integer';

/**
 * A single-valued attribute read by one SQL expression of the current row. `sql` is trusted and
 * pasted into the query as written; it must yield text for string and reference, boolean,
 * timestamptz for dateTime, and an integer type for integer, and must not contain a bare `?`
 * (the placeholder character; call `jsonb_exists()` instead of the `?` operator).
 */
export interface ScalarAttribute {
  kind: 'scalar';
  sql: string;
  type: ScimType;
  caseExact: boolean;
}

export interface SubAttribute {
  type: ScimType;
  caseExact: boolean;
}

/**
 * A multi-valued complex attribute stored as a JSONB array, such as emails. `elements` is trusted
 * SQL yielding that array (or SQL null) for the current row; sub-attributes are read from each
 * element by their key, spelled as in the stored JSON (`value`, `type`, `primary`).
 */
export interface MultiValuedAttribute {
  kind: 'multi';
  elements: string;
  subAttributes: Record<string, SubAttribute>;
  /** The sub-attribute a bare `emails eq "a@x"` compares, normally `value`. */
  defaultSub: string;
}

/**
 * What a filter may name and where each attribute is stored.
 *
 * Keys of `attributes` are attribute paths without a schema URN, matched case-insensitively:
 * `username`, `name.givenname`, `meta.created`, `emails`, `manager.value`. A complex
 * single-valued attribute named without a sub-attribute (`manager`) means its `.value`.
 */
export interface FilterSchema {
  /** URNs a path may start with, e.g. the core User and enterprise User schemas. */
  schemaUrns: string[];
  attributes: Record<string, ScalarAttribute | MultiValuedAttribute>;
}
