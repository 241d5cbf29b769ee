import { ScimPatchError } from './patch-error';

// Lower-cased because the PATCH engine matches attribute names without regard to case, so
// "Constructor" would otherwise reach the same own-property lookups as "constructor".
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** True for key names that could reach an object's prototype when used in an assignment. */
export function isPrototypeKey(key: string): boolean {
  return PROTOTYPE_KEYS.has(key.toLowerCase());
}

/**
 * Rejects `__proto__`, `constructor` and `prototype` as keys anywhere in a parsed JSON body.
 * `JSON.parse` keeps `"__proto__"` as an ordinary own key, and any later code that copies or
 * merges such an object by assignment would rewrite a prototype shared by the whole process.
 */
export function assertNoPrototypeKeys(value: unknown, location = 'body'): void {
  const pending: Array<{ node: unknown; at: string }> = [{ node: value, at: location }];
  const seen = new WeakSet<object>();
  while (pending.length > 0) {
    const { node, at } = pending.pop()!;
    if (typeof node !== 'object' || node === null || seen.has(node)) {
      continue;
    }
    seen.add(node);
    if (Array.isArray(node)) {
      for (const [index, item] of node.entries()) {
        pending.push({ node: item, at: `${at}[${index}]` });
      }
      continue;
    }
    for (const key of Object.getOwnPropertyNames(node)) {
      if (isPrototypeKey(key)) {
        throw ScimPatchError.invalidValue(
          at,
          'no key named "__proto__", "constructor" or "prototype"',
          key,
          'Rename or remove that key; no SCIM attribute uses these names.',
        );
      }
      pending.push({ node: (node as Record<string, unknown>)[key], at: `${at}.${key}` });
    }
  }
}
