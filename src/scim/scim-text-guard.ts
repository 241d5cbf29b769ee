import { ScimError } from './scim-error';

// Half of a UTF-16 surrogate pair, with no other half beside it.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Why PostgreSQL could not keep a string as sent: it refuses U+0000 in text and jsonb, refuses
 * a lone surrogate in jsonb, and silently turns one into U+FFFD in text.
 */
function unstorable(text: string): string | undefined {
  if (text.includes('\u0000')) return 'the character U+0000';
  if (LONE_SURROGATE.test(text)) return 'half of a UTF-16 surrogate pair (invalid Unicode)';

  return undefined;
}

/**
 * Refuses a request body with any key or string the database could not store exactly as sent,
 * so the write fails here with a 400 instead of deep in the database with a 500.
 */
export function assertStorableText(body: unknown): void {
  const pending: { node: unknown; at: string }[] = [{ node: body, at: 'body' }];
  while (pending.length > 0) {
    const { node, at } = pending.pop()!;
    const problem = typeof node === 'string' ? unstorable(node) : undefined;
    if (problem) {
      throw ScimError.invalidValue(`${at} contains ${problem}, which cannot be stored; remove it.`);
    }
    if (typeof node !== 'object' || node === null) continue;
    for (const [key, value] of Object.entries(node)) {
      const keyProblem = unstorable(key);
      if (keyProblem) {
        throw ScimError.invalidValue(`A key in ${at} contains ${keyProblem}; remove it.`);
      }
      pending.push({ node: value, at: Array.isArray(node) ? `${at}[${key}]` : `${at}.${key}` });
    }
  }
}
