import { type AttributeDefinition, findAttribute } from './attribute-definition';
import { deleteOwn, type JsonObject, writeOwn } from './own-properties';
import { ScimPatchError } from './patch-error';
import type { PatchOpName } from './patch-request';
import type { ScimPath } from './scim-path';

/** One operation aimed at one attribute: a path operation, or one key of a path-less value. */
export interface AttributeChange {
  readonly op: PatchOpName;
  readonly path: ScimPath;
  readonly value: unknown;
  /**
   * Path-less values skip read-only attributes because Okta echoes the group's `id` back in a
   * rename; a path that names a read-only attribute is refused.
   */
  readonly readOnly: 'skip' | 'refuse';
}

/** True when the change must be skipped as read-only; throws when it must be refused. */
export function skipsReadOnly(definition: AttributeDefinition, change: AttributeChange): boolean {
  if (definition.refusal !== undefined) {
    throw ScimPatchError.mutability(change.path.raw, definition.refusal);
  }
  if (!definition.readOnly) {
    return false;
  }
  if (change.readOnly === 'skip') {
    return true;
  }
  throw ScimPatchError.mutability(
    change.path.raw,
    'it is read-only and set by the server; leave it out of the request',
  );
}

export function subAttributeOf(
  definition: AttributeDefinition,
  name: string,
  path: ScimPath,
): AttributeDefinition {
  const subAttributes = definition.subAttributes ?? [];
  const sub = findAttribute(subAttributes, name);
  if (sub === undefined) {
    const expected = subAttributes.map((candidate) => candidate.name).join(', ');
    throw ScimPatchError.invalidPath(
      path.raw,
      `names no sub-attribute "${name}" of ${definition.name}; expected one of ${expected}`,
    );
  }

  return sub;
}

/** Stores a value, or removes the key when the value is an empty object or list. */
export function storeOrDelete(container: JsonObject, key: string, value: JsonObject | unknown[]) {
  const empty = Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0;
  if (empty) {
    deleteOwn(container, key);
  } else {
    writeOwn(container, key, value);
  }
}
