/** Operators that compare an attribute with a value; `pr` takes no value and is its own node. */
export const COMPARE_OPERATORS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'] as const;
export type CompareOperator = (typeof COMPARE_OPERATORS)[number];

/** An attribute path as written, e.g. `emails.value` or a URN-prefixed `...:User:userName`. */
export interface PathRef {
  text: string;
  position: number;
}

/**
 * A comparison value. `quoted: false` marks a bare word that is not a keyword or number, which
 * some clients (Microsoft Entra ID) send for string values: `externalId eq abc-123`.
 */
export type Literal = (
  | { kind: 'string'; value: string; quoted: boolean }
  | { kind: 'number'; text: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
) & { position: number };

export interface CompareNode {
  kind: 'compare';
  path: PathRef;
  operator: CompareOperator;
  operatorPosition: number;
  value: Literal;
}

export interface PresentNode {
  kind: 'present';
  path: PathRef;
}

/**
 * `emails[type eq "work"]`: one element of `path` satisfies `filter`. A trailing sub-attribute
 * test, as in `emails[type eq "work"].value eq "a@x"`, is folded into `filter` with `and`, so
 * both conditions hold on the same element.
 */
export interface ValuePathNode {
  kind: 'valuePath';
  path: PathRef;
  filter: FilterNode;
}

export interface LogicalNode {
  kind: 'and' | 'or';
  operands: FilterNode[];
}

export interface NotNode {
  kind: 'not';
  operand: FilterNode;
}

export type FilterNode = CompareNode | PresentNode | ValuePathNode | LogicalNode | NotNode;
