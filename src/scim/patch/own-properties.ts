import { ScimPatchError } from './patch-error';
import { isPrototypeKey } from './prototype-guard';

export type JsonObject = Record<string, unknown>;

/**
 * True for objects made by JSON.parse or an object literal, never arrays, dates or class
 * instances. Any realm's Object.prototype qualifies: jest, for one, runs tests in a realm of
 * their own, apart from globals such as structuredClone.
 */
export function isPlainObject(value: unknown): value is JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return false;
  }
  const prototype = Object.getPrototypeOf(value);

  return prototype === null || Object.getPrototypeOf(prototype) === null;
}

/** The own key spelled like `name` regardless of case, so a patch keeps the stored spelling. */
export function findOwnKey(target: JsonObject, name: string): string | undefined {
  const wanted = name.toLowerCase();

  return Object.keys(target).find((key) => key.toLowerCase() === wanted);
}

// Reads and writes go through own-property checks only: an inherited member such as
// `toString` must never be mistaken for stored data and then written into.
export function readOwn(target: JsonObject, key: string): unknown {
  return Object.hasOwn(target, key) ? target[key] : undefined;
}

export function readCaseInsensitive(target: JsonObject, name: string): unknown {
  const key = findOwnKey(target, name);

  return key === undefined ? undefined : target[key];
}

export function writeOwn(target: JsonObject, key: string, value: unknown): void {
  if (isPrototypeKey(key)) {
    throw ScimPatchError.invalidPath(key, 'uses a reserved name; no SCIM attribute is named so');
  }
  // defineProperty creates an own data property even where plain assignment would call a setter.
  Object.defineProperty(target, key, {
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  });
}

export function deleteOwn(target: JsonObject, key: string | undefined): void {
  if (key !== undefined && Object.hasOwn(target, key)) {
    delete target[key];
  }
}

/** Copies `source` into `target`, keeping `target`'s key spelling; a null value unassigns. */
export function mergeOwn(target: JsonObject, source: JsonObject): void {
  for (const [name, value] of Object.entries(source)) {
    const key = findOwnKey(target, name) ?? name;
    if (value === null) {
      deleteOwn(target, key);
    } else {
      writeOwn(target, key, value);
    }
  }
}

/** Structural equality of two JSON values; key order does not matter. */
export function sameJson(left: unknown, right: unknown): boolean {
  if (Array.isArray(left) || Array.isArray(right)) {
    return (
      Array.isArray(left) &&
      Array.isArray(right) &&
      left.length === right.length &&
      left.every((item, index) => sameJson(item, right[index]))
    );
  }
  if (isPlainObject(left) && isPlainObject(right)) {
    const keys = Object.keys(left);

    return (
      keys.length === Object.keys(right).length &&
      keys.every((key) => Object.hasOwn(right, key) && sameJson(left[key], right[key]))
    );
  }

  return left === right;
}

/**
 * A deep copy of plain objects and arrays; other values are shared, which is safe because the
 * engine never mutates them. Unlike structuredClone, the copy belongs to the caller's realm, and
 * keys are defined rather than assigned, so a stored "__proto__" key stays inert data.
 */
export function cloneJson<T>(value: T): T {
  if (Array.isArray(value)) {
    return value.map((item) => cloneJson(item)) as T;
  }
  if (!isPlainObject(value)) {
    return value;
  }
  const copy: JsonObject = {};
  for (const key of Object.keys(value)) {
    Object.defineProperty(copy, key, {
      value: cloneJson(value[key]),
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }

  return copy as T;
}
