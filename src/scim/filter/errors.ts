/**
 * A filter the gateway cannot evaluate. SCIM reports it as HTTP 400 with scimType
 * `invalidFilter` (RFC 7644 §3.12); the message is meant for the client and names the problem,
 * where it starts in the filter, and how to write it instead.
 */
export class ScimFilterError extends Error {
  readonly scimType = 'invalidFilter';
  readonly status = 400;

  constructor(
    message: string,
    /** 1-based character in the filter where the problem starts; absent for the whole filter. */
    readonly position?: number,
  ) {
    super(message);
    this.name = 'ScimFilterError';
  }

  /** Something other than what may stand at `position` was found: a token, a value, a type. */
  static unexpected(position: number, expected: string, received: string): ScimFilterError {
    return new ScimFilterError(
      `Invalid filter at character ${position}: expected ${expected}, received ${received}.`,
      position,
    );
  }

  /** The filter is well-formed but asks for something this server does not support. */
  static unsupported(position: number, problem: string, fix: string): ScimFilterError {
    return new ScimFilterError(
      `Invalid filter at character ${position}: ${problem}; ${fix}.`,
      position,
    );
  }

  static nestedValueFilter(position: number): ScimFilterError {
    return ScimFilterError.unsupported(
      position,
      'a value filter "[ ]" cannot appear inside another one',
      'compare the sub-attributes of the outer attribute inside one pair of brackets',
    );
  }

  static tooLong(length: number, limit: number): ScimFilterError {
    return new ScimFilterError(
      `The filter is ${length} characters long; at most ${limit} are accepted. ` +
        'Split the search into several requests.',
    );
  }

  static tooDeep(position: number, limit: number): ScimFilterError {
    return new ScimFilterError(
      `Invalid filter at character ${position}: parentheses, not and [ ] nest deeper than ` +
        `${limit} levels; remove redundant grouping.`,
      position,
    );
  }
}
