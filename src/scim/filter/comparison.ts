import type { CompareOperator, Literal } from './ast';
import type { Operand } from './attributes';
import { normaliseDateTime } from './date-time';
import { ScimFilterError } from './errors';
import type { ScimType } from './schema';

/** Adds a value to the query's parameters and returns its placeholder. */
export type Bind = (value: unknown) => string;

/** Which comparisons each type supports; `pr` and `eq null` / `ne null` apply to every type. */
export const OPERATORS_BY_TYPE: Record<ScimType, readonly CompareOperator[]> = {
  string: ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'],
  reference: ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'],
  boolean: ['eq', 'ne'],
  dateTime: ['eq', 'ne', 'gt', 'ge', 'lt', 'le'],
  integer: ['eq', 'ne', 'gt', 'ge', 'lt', 'le'],
};

const ORDER_SYMBOLS: Partial<Record<CompareOperator, string>> = {
  gt: '>',
  ge: '>=',
  lt: '<',
  le: '<=',
};

/** `attr pr`: has a value; for text, an empty string counts as no value (RFC 7644 §3.4.2.2). */
export function presentSql(operand: Operand): string {
  if (operand.type === 'string' || operand.type === 'reference') {
    return `(${operand.sql} is not null and ${operand.sql} <> '')`;
  }

  return `(${operand.sql} is not null)`;
}

/**
 * One comparison as a SQL condition. `ne` is written as "eq is not true" so that an attribute
 * without a value matches `ne`, exactly as it matches `not (... eq ...)`.
 */
export function compareSql(
  operand: Operand,
  operator: CompareOperator,
  operatorPosition: number,
  value: Literal,
  bind: Bind,
): string {
  if (value.kind === 'null') {
    return compareNull(operand, operator, operatorPosition);
  }
  if (!OPERATORS_BY_TYPE[operand.type].includes(operator)) {
    throw ScimFilterError.unsupported(
      operatorPosition,
      `the operator ${operator} does not apply to ${operand.name}, a ${operand.type} attribute`,
      `use one of ${OPERATORS_BY_TYPE[operand.type].join(', ')} or pr`,
    );
  }

  switch (operand.type) {
    case 'string':
    case 'reference':
      return compareText(operand, operator, textValue(operand, value), bind);
    case 'boolean':
      return ordered(operand.sql, operator, bind(booleanValue(operand, value)));
    case 'dateTime':
      return ordered(operand.sql, operator, `${bind(dateTimeValue(operand, value))}::timestamptz`);
    case 'integer':
      return ordered(operand.sql, operator, bind(integerValue(operand, value)));
  }
}

/** `eq null` asks for no value and `ne null` for a value, the same answers as `pr`. */
function compareNull(operand: Operand, operator: CompareOperator, position: number): string {
  if (operator === 'eq') {
    return `(${presentSql(operand)} is not true)`;
  }
  if (operator === 'ne') {
    return presentSql(operand);
  }

  throw ScimFilterError.unsupported(
    position,
    `null can only be compared with eq or ne, not ${operator}`,
    `write ${operand.name} eq null, ${operand.name} ne null or ${operand.name} pr`,
  );
}

function compareText(
  operand: Operand,
  operator: CompareOperator,
  text: string,
  bind: Bind,
): string {
  const fold = (sql: string) => (operand.caseExact ? sql : `lower(${sql})`);
  const column = fold(operand.sql);
  const pattern = escapeLike(text);
  switch (operator) {
    case 'co':
      return `(${column} like ${fold(bind(`%${pattern}%`))} escape '\\')`;
    case 'sw':
      return `(${column} like ${fold(bind(`${pattern}%`))} escape '\\')`;
    case 'ew':
      return `(${column} like ${fold(bind(`%${pattern}`))} escape '\\')`;
    case 'gt':
    case 'ge':
    case 'lt':
    case 'le':
      // Code-point order, so that the answer does not depend on the database's locale.
      return `(${column} collate "C" ${ORDER_SYMBOLS[operator]} ${fold(bind(text))})`;
    default:
      return ordered(column, operator, fold(bind(text)));
  }
}

function ordered(column: string, operator: CompareOperator, placeholder: string): string {
  if (operator === 'ne') {
    return `((${column} = ${placeholder}) is not true)`;
  }

  return `(${column} ${ORDER_SYMBOLS[operator] ?? '='} ${placeholder})`;
}

/** Makes `%`, `_` and `\` match themselves in a LIKE pattern whose escape character is `\`. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

function textValue(operand: Operand, value: Literal): string {
  if (value.kind === 'string') {
    return value.value;
  }
  // An unquoted number for a text attribute (employeeNumber eq 1001) means its digits.
  if (value.kind === 'number') {
    return value.text;
  }

  throw wrongValue(operand, value, 'a string such as "text"', `quote it: "${describe(value)}"`);
}

function booleanValue(operand: Operand, value: Literal): boolean {
  if (value.kind === 'boolean') {
    return value.value;
  }
  // Microsoft Entra ID sends booleans as strings in any case: active eq "True".
  if (value.kind === 'string' && /^(true|false)$/i.test(value.value)) {
    return value.value.toLowerCase() === 'true';
  }

  throw wrongValue(operand, value, 'true or false', 'write true or false without quotes');
}

function dateTimeValue(operand: Operand, value: Literal): string {
  const normalised = value.kind === 'string' ? normaliseDateTime(value.value) : undefined;
  if (normalised === undefined) {
    throw wrongValue(
      operand,
      value,
      'an ISO 8601 date-time such as "2024-05-01T12:00:00Z"',
      'give date and time, with a zone of Z or +hh:mm',
    );
  }

  return normalised;
}

function integerValue(operand: Operand, value: Literal): number {
  const number = value.kind === 'number' && /^-?\d+$/.test(value.text) ? Number(value.text) : NaN;
  if (!Number.isSafeInteger(number)) {
    throw wrongValue(
      operand,
      value,
      'a whole number such as 42',
      `write it without quotes and within ±${Number.MAX_SAFE_INTEGER}`,
    );
  }

  return number;
}

function wrongValue(
  operand: Operand,
  value: Literal,
  expected: string,
  fix: string,
): ScimFilterError {
  return ScimFilterError.unexpected(
    value.position,
    `${expected} for ${operand.name}`,
    `${describe(value)}; ${fix}`,
  );
}

function describe(value: Literal): string {
  switch (value.kind) {
    case 'string': {
      const shown = value.value.length > 40 ? `${value.value.slice(0, 40)}...` : value.value;
      return value.quoted ? JSON.stringify(shown) : shown;
    }
    case 'number':
      return value.text;
    case 'boolean':
      return String(value.value);
    case 'null':
      return 'null';
  }
}
