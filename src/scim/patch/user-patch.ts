import type { AttributeChange } from './attribute-change';
import { sameName } from './attribute-name';
import { applyToAttribute } from './attribute-operations';
import {
  cloneJson,
  deleteOwn,
  findOwnKey,
  isPlainObject,
  type JsonObject,
  readOwn,
  writeOwn,
} from './own-properties';
import { ScimPatchError } from './patch-error';
import { checkOperation, type PatchOperation } from './patch-request';
import { parseScimPath, type ScimPath } from './scim-path';
import {
  CORE_USER_URN,
  ENTERPRISE_USER_ATTRIBUTES,
  ENTERPRISE_USER_URN,
  USER_ATTRIBUTES,
} from './user-schema';

/** Core schemas are never User extensions, so a path into another one is a mistake. */
const CORE_SCHEMA_PREFIX = /^urn:ietf:params:scim:schemas:core:/i;

/**
 * Applies PATCH operations to a stored User resource and returns the patched copy. The input is
 * never modified, and the first failing operation throws before anything is returned, so a
 * request applies entirely or not at all.
 */
export function applyUserPatch(
  resource: Record<string, unknown>,
  ops: PatchOperation[],
): Record<string, unknown> {
  const draft = cloneJson(resource);
  for (const [index, operation] of ops.entries()) {
    try {
      applyOperation(draft, operation);
    } catch (error) {
      throw error instanceof ScimPatchError ? error.atOperation(index) : error;
    }
  }

  return draft;
}

function applyOperation(draft: JsonObject, operation: PatchOperation): void {
  const { op, path: rawPath, value: sent } = checkOperation(operation);
  // A private copy, so the returned resource never shares objects with the request.
  const value = cloneJson(sent);
  if (rawPath !== undefined) {
    const path = parseScimPath(rawPath, knownSchemas(draft));
    applyAtPath(draft, { op, path, value, readOnly: 'refuse' });

    return;
  }
  for (const [key, item] of Object.entries(value as JsonObject)) {
    const path = parsePathlessKey(draft, key, item);
    applyAtPath(draft, { op, path, value: item, readOnly: 'skip' });
  }
}

/**
 * Keys of a path-less value are attribute names, dotted names such as "name.givenName" and
 * URN-qualified names, all of which Entra ID sends. An object under an unknown URN is taken to
 * be a whole extension, because without its schema the URN alone cannot say where it ends.
 */
function parsePathlessKey(draft: JsonObject, key: string, item: unknown): ScimPath {
  const schemas = knownSchemas(draft);
  const path = parseScimPath(key, schemas);
  const unknownSchema = path.schema !== undefined && !schemas.includes(path.schema);
  if (unknownSchema && isPlainObject(item) && !path.filter && !path.subAttribute) {
    return { raw: key, schema: key };
  }

  return path;
}

function applyAtPath(draft: JsonObject, change: AttributeChange): void {
  const { schema, attribute, raw } = change.path;
  if (schema !== undefined && CORE_SCHEMA_PREFIX.test(schema) && !sameName(schema, CORE_USER_URN)) {
    throw ScimPatchError.invalidPath(raw, `names the schema ${schema}, which a User does not have`);
  }
  if (schema !== undefined && !sameName(schema, CORE_USER_URN)) {
    applyToExtension(draft, schema, change);
  } else if (attribute === undefined) {
    throw ScimPatchError.invalidPath(raw, 'names the core User schema; name one of its attributes');
  } else {
    applyToAttribute(draft, USER_ATTRIBUTES, 'User', change);
  }
}

function applyToExtension(draft: JsonObject, schema: string, change: AttributeChange): void {
  const key = findOwnKey(draft, schema) ?? schema;
  if (change.path.attribute === undefined) {
    applyToWholeExtension(draft, key, change);

    return;
  }
  const definitions = sameName(schema, ENTERPRISE_USER_URN)
    ? ENTERPRISE_USER_ATTRIBUTES
    : undefined;
  const current = readOwn(draft, key);
  const extension = isPlainObject(current) ? current : {};
  applyToAttribute(extension, definitions, schema, change);
  storeExtension(draft, key, extension);
}

function applyToWholeExtension(draft: JsonObject, key: string, change: AttributeChange): void {
  const { op, path, value } = change;
  if (op === 'remove' || value === null) {
    storeExtension(draft, key, {});

    return;
  }
  if (!isPlainObject(value)) {
    throw ScimPatchError.invalidValue(path.raw, 'an object of extension attributes', value);
  }
  for (const [name, item] of Object.entries(value)) {
    const attributePath = parseScimPath(`${key}:${name}`, [key]);
    applyToExtension(draft, key, { ...change, path: attributePath, value: item });
  }
}

/** Keeps `schemas` listing exactly the extensions the resource holds data for (RFC 7643 §3). */
function storeExtension(draft: JsonObject, key: string, extension: JsonObject): void {
  const present = Object.keys(extension).length > 0;
  if (present) {
    writeOwn(draft, key, extension);
  } else {
    deleteOwn(draft, key);
  }
  const schemas = readOwn(draft, 'schemas');
  if (!Array.isArray(schemas)) {
    return;
  }
  const listed = schemas.some((urn) => typeof urn === 'string' && sameName(urn, key));
  if (present && !listed) {
    writeOwn(draft, 'schemas', [...schemas, key]);
  } else if (!present && listed) {
    const others = schemas.filter((urn) => typeof urn !== 'string' || !sameName(urn, key));
    writeOwn(draft, 'schemas', others);
  }
}

/** Schema URNs a path may be qualified with: the built-in ones and any the resource holds. */
function knownSchemas(draft: JsonObject): string[] {
  const schemas = readOwn(draft, 'schemas');
  const declared = Array.isArray(schemas) ? schemas.filter((urn) => typeof urn === 'string') : [];
  const held = Object.keys(draft).filter((key) => /^urn:/i.test(key));

  return [CORE_USER_URN, ENTERPRISE_USER_URN, ...declared, ...held];
}
