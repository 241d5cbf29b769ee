import { ScimPatchError } from './patch-error';
import { isPrototypeKey } from './prototype-guard';

// RFC 7643 §2.1: a letter, then letters, digits, "-" or "_". "$ref" is the one exception the
// core schemas themselves use (manager.$ref, members.$ref).
const ATTRIBUTE_NAME = /^(?:[A-Za-z][\w-]*|\$ref)$/;

/** Returns `name` if it is a legal attribute name; otherwise throws `invalidPath` for `path`. */
export function checkAttributeName(name: string, path: string): string {
  if (isPrototypeKey(name)) {
    throw ScimPatchError.invalidPath(path, `uses the reserved name "${name}"; no attribute has it`);
  }
  if (!ATTRIBUTE_NAME.test(name)) {
    throw ScimPatchError.invalidPath(
      path,
      `has ${JSON.stringify(name)} where an attribute name belongs ` +
        '(a letter followed by letters, digits, "-" or "_")',
    );
  }

  return name;
}

/** Attribute names and schema URNs compare without regard to case (RFC 7643 §2.1). */
export function sameName(left: string, right: string): boolean {
  return left.toLowerCase() === right.toLowerCase();
}
