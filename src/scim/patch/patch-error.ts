/** The RFC 7644 §3.12 `scimType` values a PATCH request can earn; every one maps to HTTP 400. */
export type ScimPatchErrorType =
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'mutability'
  | 'invalidSyntax';

/** A PATCH request the client must fix; its message says what was expected and how to fix it. */
export class ScimPatchError extends Error {
  constructor(
    readonly scimType: ScimPatchErrorType,
    message: string,
  ) {
    super(message);
    this.name = 'ScimPatchError';
  }

  static invalidSyntax(expected: string, received: unknown): ScimPatchError {
    return new ScimPatchError(
      'invalidSyntax',
      `The PatchOp body is malformed: expected ${expected}; received ${describeValue(received)}.`,
    );
  }

  static invalidPath(path: string, problem: string): ScimPatchError {
    return new ScimPatchError('invalidPath', `Path ${JSON.stringify(path)} ${problem}.`);
  }

  static noTarget(path: string, problem: string): ScimPatchError {
    return new ScimPatchError(
      'noTarget',
      `Path ${JSON.stringify(path)} selects nothing: ${problem}.`,
    );
  }

  static invalidValue(
    target: string,
    expected: string,
    received: unknown,
    fix = '',
  ): ScimPatchError {
    const advice = fix === '' ? '' : ` ${fix}`;

    return new ScimPatchError(
      'invalidValue',
      `"${target}" expects ${expected}; received ${describeValue(received)}.${advice}`,
    );
  }

  static mutability(target: string, reason: string): ScimPatchError {
    return new ScimPatchError('mutability', `"${target}" cannot be changed: ${reason}.`);
  }

  /** The same error, prefixed with the operation that caused it so the client can find it. */
  atOperation(index: number): ScimPatchError {
    return new ScimPatchError(this.scimType, `Operations[${index}]: ${this.message}`);
  }
}

/** A short rendering of a received value for an error message. */
export function describeValue(value: unknown): string {
  if (value === undefined) {
    return 'nothing';
  }
  const text = JSON.stringify(value) ?? String(value);

  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
