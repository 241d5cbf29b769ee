import { checkAttributeName } from './attribute-name';
import { type JsonObject, readCaseInsensitive } from './own-properties';
import { ScimPatchError } from './patch-error';

export type CompareOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'lt' | 'ge' | 'le';
export type FilterValue = string | number | boolean | null;

/** The filter between a value path's brackets, e.g. `emails[type eq "work"]` (RFC 7644 §3.4.2). */
export type ValueFilter =
  | {
      readonly kind: 'compare';
      readonly attribute: string;
      readonly operator: CompareOperator;
      readonly value: FilterValue;
    }
  | { readonly kind: 'present'; readonly attribute: string }
  | { readonly kind: 'and' | 'or'; readonly left: ValueFilter; readonly right: ValueFilter }
  | { readonly kind: 'not'; readonly operand: ValueFilter };

const COMPARE_OPERATORS: ReadonlySet<string> = new Set([
  'eq',
  'ne',
  'co',
  'sw',
  'ew',
  'gt',
  'lt',
  'ge',
  'le',
]);
const NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

type Token =
  | { kind: 'open' | 'close' }
  | { kind: 'word'; text: string }
  | { kind: 'string'; value: string };

/** Parses the text between a value path's brackets; `path` is the whole path, for messages. */
export function parseValueFilter(text: string, path: string): ValueFilter {
  return new FilterParser(tokenize(text, path), path).parse();
}

export function matchesFilter(
  element: JsonObject,
  filter: ValueFilter,
  isCaseExact: (attribute: string) => boolean,
): boolean {
  switch (filter.kind) {
    case 'and':
      return (
        matchesFilter(element, filter.left, isCaseExact) &&
        matchesFilter(element, filter.right, isCaseExact)
      );
    case 'or':
      return (
        matchesFilter(element, filter.left, isCaseExact) ||
        matchesFilter(element, filter.right, isCaseExact)
      );
    case 'not':
      return !matchesFilter(element, filter.operand, isCaseExact);
    case 'present':
      return isPresent(readCaseInsensitive(element, filter.attribute));
    case 'compare': {
      const actual = readCaseInsensitive(element, filter.attribute);

      return compare(actual, filter.operator, filter.value, isCaseExact(filter.attribute));
    }
  }
}

/** Every attribute name the filter mentions, so callers can check them against a schema. */
export function filterAttributes(filter: ValueFilter): string[] {
  switch (filter.kind) {
    case 'and':
    case 'or':
      return [...filterAttributes(filter.left), ...filterAttributes(filter.right)];
    case 'not':
      return filterAttributes(filter.operand);
    default:
      return [filter.attribute];
  }
}

/**
 * The sub-attribute values an element must have to match a filter made only of `eq` joined by
 * `and`, such as `type eq "work"`; undefined for any other filter. Entra ID relies on a write to
 * `emails[type eq "work"].value` creating the work address when there is none yet.
 */
export function equalityFacts(filter: ValueFilter): Record<string, FilterValue> | undefined {
  if (filter.kind === 'compare' && filter.operator === 'eq' && filter.value !== null) {
    return { [filter.attribute]: filter.value };
  }
  if (filter.kind !== 'and') {
    return undefined;
  }
  const left = equalityFacts(filter.left);
  const right = equalityFacts(filter.right);
  if (left === undefined || right === undefined) {
    return undefined;
  }
  const clash = Object.keys(right).some((name) => Object.hasOwn(left, name));

  return clash ? undefined : { ...left, ...right };
}

/** Filter equality: strings compare without case unless the sub-attribute is case-exact. */
export function valuesEqual(actual: unknown, expected: unknown, caseExact: boolean): boolean {
  if (expected === null) {
    return actual === undefined || actual === null;
  }
  if (typeof actual === 'string' && typeof expected === 'string' && !caseExact) {
    return actual.toLowerCase() === expected.toLowerCase();
  }

  return actual === expected;
}

function isPresent(value: unknown): boolean {
  if (Array.isArray(value)) {
    return value.length > 0;
  }

  return value !== undefined && value !== null && value !== '';
}

function compare(
  actual: unknown,
  operator: CompareOperator,
  expected: FilterValue,
  caseExact: boolean,
): boolean {
  if (operator === 'eq' || operator === 'ne') {
    return valuesEqual(actual, expected, caseExact) === (operator === 'eq');
  }
  if (typeof actual === 'string' && typeof expected === 'string') {
    const left = caseExact ? actual : actual.toLowerCase();
    const right = caseExact ? expected : expected.toLowerCase();

    return compareOrdered(left, operator, right);
  }
  if (typeof actual === 'number' && typeof expected === 'number') {
    return compareOrdered(actual, operator, expected);
  }

  return false;
}

function compareOrdered<T extends string | number>(left: T, operator: CompareOperator, right: T) {
  switch (operator) {
    case 'co':
      return String(left).includes(String(right));
    case 'sw':
      return String(left).startsWith(String(right));
    case 'ew':
      return String(left).endsWith(String(right));
    case 'gt':
      return left > right;
    case 'lt':
      return left < right;
    case 'ge':
      return left >= right;
    default:
      return left <= right;
  }
}

function tokenize(text: string, path: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    const char = text[index];
    if (/\s/.test(char)) {
      index += 1;
    } else if (char === '(' || char === ')') {
      tokens.push({ kind: char === '(' ? 'open' : 'close' });
      index += 1;
    } else if (char === '"') {
      const end = endOfString(text, index, path);
      tokens.push({ kind: 'string', value: parseStringLiteral(text.slice(index, end + 1), path) });
      index = end + 1;
    } else {
      let end = index;
      while (end < text.length && !/[\s()"]/.test(text[end])) {
        end += 1;
      }
      tokens.push({ kind: 'word', text: text.slice(index, end) });
      index = end;
    }
  }

  return tokens;
}

/** The index of the quote closing the string literal that opens at `start`. */
export function endOfString(text: string, start: number, path: string): number {
  for (let index = start + 1; index < text.length; index += 1) {
    if (text[index] === '\\') {
      index += 1;
    } else if (text[index] === '"') {
      return index;
    }
  }
  throw ScimPatchError.invalidPath(path, 'has a filter string with no closing quote');
}

function parseStringLiteral(literal: string, path: string): string {
  try {
    return JSON.parse(literal) as string;
  } catch {
    throw ScimPatchError.invalidPath(path, `has a malformed filter string ${literal}`);
  }
}

class FilterParser {
  private position = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly path: string,
  ) {}

  parse(): ValueFilter {
    const filter = this.parseOr();
    if (this.position < this.tokens.length) {
      throw this.unexpected('the end of the filter');
    }

    return filter;
  }

  private parseOr(): ValueFilter {
    let filter = this.parseAnd();
    while (this.nextWordIs('or')) {
      this.position += 1;
      filter = { kind: 'or', left: filter, right: this.parseAnd() };
    }

    return filter;
  }

  private parseAnd(): ValueFilter {
    let filter = this.parseUnary();
    while (this.nextWordIs('and')) {
      this.position += 1;
      filter = { kind: 'and', left: filter, right: this.parseUnary() };
    }

    return filter;
  }

  private parseUnary(): ValueFilter {
    if (this.nextWordIs('not')) {
      this.position += 1;
      this.expect('open');

      return { kind: 'not', operand: this.parseGroup() };
    }
    if (this.tokens[this.position]?.kind === 'open') {
      this.position += 1;

      return this.parseGroup();
    }

    return this.parseComparison();
  }

  private parseGroup(): ValueFilter {
    const filter = this.parseOr();
    this.expect('close');

    return filter;
  }

  private parseComparison(): ValueFilter {
    const attribute = checkAttributeName(this.word('a sub-attribute name such as type'), this.path);
    const operator = this.word('an operator such as eq').toLowerCase();
    if (operator === 'pr') {
      return { kind: 'present', attribute };
    }
    if (!COMPARE_OPERATORS.has(operator)) {
      throw ScimPatchError.invalidPath(
        this.path,
        `uses the unknown filter operator "${operator}"; ` +
          'expected eq, ne, co, sw, ew, gt, lt, ge, le or pr',
      );
    }

    return {
      kind: 'compare',
      attribute,
      operator: operator as CompareOperator,
      value: this.comparisonValue(),
    };
  }

  private comparisonValue(): FilterValue {
    const token = this.tokens[this.position];
    this.position += 1;
    if (token?.kind === 'string') {
      return token.value;
    }
    const text = token?.kind === 'word' ? token.text : '';
    const keyword = text.toLowerCase();
    if (keyword === 'true' || keyword === 'false') {
      return keyword === 'true';
    }
    if (keyword === 'null') {
      return null;
    }
    if (NUMBER.test(text)) {
      return Number(text);
    }
    this.position -= 1;
    throw this.unexpected('a quoted string, a number, true, false or null');
  }

  private word(expected: string): string {
    const token = this.tokens[this.position];
    if (token?.kind !== 'word') {
      throw this.unexpected(expected);
    }
    this.position += 1;

    return token.text;
  }

  private expect(kind: 'open' | 'close'): void {
    if (this.tokens[this.position]?.kind !== kind) {
      throw this.unexpected(kind === 'open' ? '"("' : '")"');
    }
    this.position += 1;
  }

  private nextWordIs(keyword: string): boolean {
    const token = this.tokens[this.position];

    return token?.kind === 'word' && token.text.toLowerCase() === keyword;
  }

  private unexpected(expected: string): ScimPatchError {
    const found = describeToken(this.tokens[this.position]);

    return ScimPatchError.invalidPath(
      this.path,
      `has a filter where ${expected} should be, not ${found}`,
    );
  }
}

function describeToken(token: Token | undefined): string {
  if (token === undefined) {
    return 'the end of the filter';
  }
  switch (token.kind) {
    case 'word':
      return `"${token.text}"`;
    case 'string':
      return JSON.stringify(token.value);
    default:
      return token.kind === 'open' ? '"("' : '")"';
  }
}
