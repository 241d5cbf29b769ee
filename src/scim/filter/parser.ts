import {
  COMPARE_OPERATORS,
  type CompareOperator,
  type FilterNode,
  type Literal,
  type PathRef,
} from './ast';
import { ScimFilterError } from './errors';
import { type Token, tokenize } from './lexer';

/** How deep parentheses, `not` and `[ ]` may nest; deeper input is refused, not recursed into. */
export const MAX_FILTER_DEPTH = 50;

const NAME = '[a-z$][a-z0-9_$-]*';
/** An optional URN ending in `:`, an attribute name and at most one sub-attribute. */
const ATTRIBUTE_PATH = new RegExp(`^(urn:.+:)?${NAME}(\\.${NAME})?$`, 'i');
const SUB_ATTRIBUTE = new RegExp(`^\\.${NAME}$`, 'i');
const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;
const KEYWORDS = new Set(['and', 'or', 'not']);
const OPERATOR_LIST = [...COMPARE_OPERATORS, 'pr'].join(', ');

/**
 * Parses a SCIM filter (RFC 7644 §3.4.2.2) into a tree, by recursive descent with the RFC's
 * precedence: `not` binds tighter than `and`, which binds tighter than `or`. Keywords and
 * operators are case-insensitive. It knows no schema; attribute names are resolved later.
 *
 * Written here rather than taken from npm because the packages tried lose what the SQL needs:
 * scim2-parse-filter splits `emails[type eq "work"].value eq "x"` into two independent tests
 * and refuses unquoted values; scimmy gives that filter and `emails.type eq "work" and
 * emails.value eq "x"` the same shape, turns `not (a or b)` into `not a or not b`, reads an
 * unquoted True as false and accepts `userName eq` with no value. Neither reports positions.
 */
export function parseFilter(filter: string): FilterNode {
  return new Parser(tokenize(filter)).parse();
}

class Parser {
  private index = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  parse(): FilterNode {
    if (this.peek().kind === 'end') {
      throw ScimFilterError.unexpected(1, 'an expression such as userName eq "alice"', 'nothing');
    }
    const node = this.parseOr(false);
    this.expectEnd();

    return node;
  }

  private parseOr(inValuePath: boolean): FilterNode {
    const operands = [this.parseAnd(inValuePath)];
    while (this.atKeyword('or')) {
      this.index++;
      operands.push(this.parseAnd(inValuePath));
    }

    return operands.length === 1 ? operands[0] : { kind: 'or', operands };
  }

  private parseAnd(inValuePath: boolean): FilterNode {
    const operands = [this.parseUnary(inValuePath)];
    while (this.atKeyword('and')) {
      this.index++;
      operands.push(this.parseUnary(inValuePath));
    }

    return operands.length === 1 ? operands[0] : { kind: 'and', operands };
  }

  private parseUnary(inValuePath: boolean): FilterNode {
    if (!this.atKeyword('not')) {
      return this.parsePrimary(inValuePath);
    }
    // The RFC writes `not (...)`; a bare `not userName eq "x"` is accepted as well because it
    // cannot mean anything else.
    const not = this.next();
    this.enter(not);
    const operand = this.parseUnary(inValuePath);
    this.depth--;

    return { kind: 'not', operand };
  }

  private parsePrimary(inValuePath: boolean): FilterNode {
    const token = this.peek();
    if (token.kind === '(') {
      this.index++;
      this.enter(token);
      const inner = this.parseOr(inValuePath);
      this.expect(')', `")" to close the "(" at character ${token.position}`);
      this.depth--;

      return inner;
    }
    if (token.kind === 'word' && !KEYWORDS.has(token.value.toLowerCase())) {
      return this.parseAttributeExpression(inValuePath);
    }

    throw ScimFilterError.unexpected(
      token.position,
      'an attribute name, "not" or "("',
      describe(token),
    );
  }

  private parseAttributeExpression(inValuePath: boolean): FilterNode {
    const token = this.next();
    if (!ATTRIBUTE_PATH.test(token.value)) {
      throw ScimFilterError.unexpected(
        token.position,
        'an attribute path such as userName, name.givenName or emails.value',
        describe(token),
      );
    }
    const path: PathRef = { text: token.value, position: token.position };
    if (this.peek().kind !== '[') {
      return this.parseTest(path);
    }

    const open = this.next();
    if (inValuePath) {
      throw ScimFilterError.nestedValueFilter(open.position);
    }
    this.enter(open);
    const filter = this.parseOr(true);
    this.expect(']', `"]" to close the "[" at character ${open.position}`);
    this.depth--;

    const sub = this.peek();
    if (sub.kind !== 'word' || !sub.value.startsWith('.')) {
      return { kind: 'valuePath', path, filter };
    }
    this.index++;
    if (!SUB_ATTRIBUTE.test(sub.value)) {
      throw ScimFilterError.unexpected(
        sub.position,
        'one sub-attribute after "]", such as .value',
        describe(sub),
      );
    }
    const test = this.parseTest({ text: sub.value.slice(1), position: sub.position + 1 });

    return { kind: 'valuePath', path, filter: { kind: 'and', operands: [filter, test] } };
  }

  /** The operator and value after an attribute path. */
  private parseTest(path: PathRef): FilterNode {
    const token = this.next();
    const operator = token.kind === 'word' ? token.value.toLowerCase() : '';
    if (operator === 'pr') {
      return { kind: 'present', path };
    }
    if (!(COMPARE_OPERATORS as readonly string[]).includes(operator)) {
      throw ScimFilterError.unexpected(
        token.position,
        `an operator (${OPERATOR_LIST}) after ${path.text}`,
        describe(token),
      );
    }

    return {
      kind: 'compare',
      path,
      operator: operator as CompareOperator,
      operatorPosition: token.position,
      value: this.parseValue(operator),
    };
  }

  private parseValue(operator: string): Literal {
    const token = this.next();
    const { position, value } = token;
    if (token.kind === 'string') {
      return { kind: 'string', value, quoted: true, position };
    }
    const lower = value.toLowerCase();
    if (token.kind !== 'word' || KEYWORDS.has(lower)) {
      throw ScimFilterError.unexpected(
        position,
        `a value after ${operator}, such as "text", 42, true, false or null`,
        describe(token),
      );
    }
    if (lower === 'true' || lower === 'false') {
      return { kind: 'boolean', value: lower === 'true', position };
    }
    if (lower === 'null') {
      return { kind: 'null', position };
    }
    if (JSON_NUMBER.test(value)) {
      return { kind: 'number', text: value, position };
    }

    return { kind: 'string', value, quoted: false, position };
  }

  private expectEnd(): void {
    const token = this.peek();
    if (token.kind !== 'end') {
      throw ScimFilterError.unexpected(
        token.position,
        '"and", "or" or the end of the filter',
        describe(token),
      );
    }
  }

  private expect(kind: Token['kind'], expected: string): void {
    const token = this.peek();
    if (token.kind !== kind) {
      throw ScimFilterError.unexpected(
        token.position,
        `"and", "or" or ${expected}`,
        describe(token),
      );
    }
    this.index++;
  }

  private enter(token: Token): void {
    this.depth++;
    if (this.depth > MAX_FILTER_DEPTH) {
      throw ScimFilterError.tooDeep(token.position, MAX_FILTER_DEPTH);
    }
  }

  private atKeyword(keyword: string): boolean {
    const token = this.peek();

    return token.kind === 'word' && token.value.toLowerCase() === keyword;
  }

  private peek(): Token {
    return this.tokens[this.index];
  }

  private next(): Token {
    const token = this.tokens[this.index];
    if (token.kind !== 'end') {
      this.index++;
    }

    return token;
  }
}

/** Names a token in an error message, shortened so a huge value does not flood the response. */
function describe(token: Token): string {
  const shown = token.value.length > 40 ? `${token.value.slice(0, 40)}...` : token.value;
  switch (token.kind) {
    case 'end':
      return 'the end of the filter';
    case 'string':
      return `the string ${JSON.stringify(shown)}`;
    default:
      return `"${shown}"`;
  }
}
