import {
  type AttributeChange,
  skipsReadOnly,
  storeOrDelete,
  subAttributeOf,
} from './attribute-change';
import { type AttributeDefinition, attributeNames, findAttribute } from './attribute-definition';
import { applyMultiValued } from './multi-valued';
import {
  deleteOwn,
  findOwnKey,
  isPlainObject,
  type JsonObject,
  mergeOwn,
  readOwn,
  sameJson,
  writeOwn,
} from './own-properties';
import { ScimPatchError } from './patch-error';
import { coerceComplex, coerceScalar } from './value-coercion';

/**
 * Applies a change to one attribute held in `container` (the resource, or an extension object).
 * `definitions` is undefined for an extension schema this server has no definition of; its
 * attributes are stored as sent.
 */
export function applyToAttribute(
  container: JsonObject,
  definitions: readonly AttributeDefinition[] | undefined,
  schemaLabel: string,
  change: AttributeChange,
): void {
  const { path } = change;
  const name = path.attribute as string;
  const definition = definitions && findAttribute(definitions, name);
  if (definitions !== undefined && definition === undefined) {
    throw ScimPatchError.invalidPath(
      path.raw,
      `names no attribute of the ${schemaLabel} schema; expected one of ` +
        attributeNames(definitions),
    );
  }
  if (definition !== undefined && skipsReadOnly(definition, change)) {
    return;
  }
  const key = findOwnKey(container, name) ?? definition?.name ?? name;
  if (definition === undefined) {
    applySchemaless(container, key, change);
  } else if (definition.multiValued) {
    applyMultiValued(container, key, definition, change);
  } else if (path.filter !== undefined) {
    throw ScimPatchError.invalidPath(
      path.raw,
      `filters "${definition.name}", which holds one value; filters apply to lists such as emails`,
    );
  } else if (definition.type === 'complex') {
    applyComplex(container, key, definition, change);
  } else if (path.subAttribute !== undefined) {
    throw ScimPatchError.invalidPath(
      path.raw,
      `names a sub-attribute of "${definition.name}", which has none`,
    );
  } else if (change.op === 'remove' || change.value === null) {
    unassign(container, key, definition, change);
  } else {
    writeOwn(container, key, coerceScalar(definition, change.value, path.raw));
  }
}

/** A single-valued complex attribute such as name or manager. */
function applyComplex(
  container: JsonObject,
  key: string,
  definition: AttributeDefinition,
  change: AttributeChange,
): void {
  const { op, path, value } = change;
  if (path.subAttribute !== undefined) {
    const sub = subAttributeOf(definition, path.subAttribute, path);
    if (skipsReadOnly(sub, change)) {
      return;
    }
    changeSubAttribute(container, key, sub.name, change, (item) =>
      coerceScalar(sub, item, path.raw),
    );

    return;
  }
  if (op === 'remove' || value === null) {
    unassign(container, key, definition, change);

    return;
  }
  // RFC 7644 §3.5.2.3 merges sub-attributes, but a manager is identified by its value: a new
  // manager replaces the old one whole instead of keeping the old one's $ref.
  const current = readOwn(container, key);
  const keepsOld = definition.shorthand === undefined && isPlainObject(current);
  const target = keepsOld ? current : {};
  mergeOwn(target, coerceComplex(definition, value, path.raw));
  storeOrDelete(container, key, target);
}

/** An attribute of an extension schema this server does not define; stored as sent. */
function applySchemaless(container: JsonObject, key: string, change: AttributeChange): void {
  const { op, path, value } = change;
  if (path.filter !== undefined) {
    throw ScimPatchError.invalidPath(
      path.raw,
      'filters an attribute of an extension schema this server does not define; ' +
        'replace the whole attribute instead',
    );
  }
  const current = readOwn(container, key);
  if (path.subAttribute !== undefined) {
    if (current !== undefined && !isPlainObject(current)) {
      throw ScimPatchError.invalidPath(
        path.raw,
        `names a sub-attribute of "${key}", which holds no object`,
      );
    }
    changeSubAttribute(container, key, path.subAttribute, change, (item) => item);
  } else if (op === 'remove' || value === null) {
    deleteOwn(container, key);
  } else if (op === 'add' && Array.isArray(current) && Array.isArray(value)) {
    const added = value.filter((item) => !current.some((old) => sameJson(old, item)));
    writeOwn(container, key, [...current, ...added]);
  } else {
    writeOwn(container, key, value);
  }
}

/** Writes or unassigns one sub-attribute, creating the parent or dropping it once empty. */
function changeSubAttribute(
  container: JsonObject,
  key: string,
  name: string,
  { op, value }: AttributeChange,
  coerce: (value: unknown) => unknown,
): void {
  const current = readOwn(container, key);
  const target = isPlainObject(current) ? current : {};
  const subKey = findOwnKey(target, name) ?? name;
  if (op === 'remove' || value === null) {
    deleteOwn(target, subKey);
  } else {
    writeOwn(target, subKey, coerce(value));
  }
  storeOrDelete(container, key, target);
}

function unassign(
  container: JsonObject,
  key: string,
  definition: AttributeDefinition,
  change: AttributeChange,
): void {
  if (definition.required) {
    throw ScimPatchError.mutability(
      change.path.raw,
      `${definition.name} is required; replace it with a new value instead of removing it`,
    );
  }
  deleteOwn(container, key);
}
