import { type AttributeDefinition, findAttribute } from './attribute-definition';
import { isPlainObject, type JsonObject } from './own-properties';
import { ScimPatchError } from './patch-error';

/**
 * Checks a single value against its attribute's type and returns it in stored form. Entra ID
 * sends booleans as the strings "True" and "False", so those become booleans.
 */
export function coerceScalar(definition: AttributeDefinition, value: unknown, target: string) {
  switch (definition.type) {
    case 'boolean':
      return coerceBoolean(value, target);
    case 'integer':
    case 'decimal': {
      const valid =
        definition.type === 'integer' ? Number.isInteger(value) : Number.isFinite(value);
      if (!valid) {
        throw ScimPatchError.invalidValue(target, `a JSON number (${definition.type})`, value);
      }

      return value as number;
    }
    case 'complex':
      throw ScimPatchError.invalidPath(target, 'names a complex attribute where a value belongs');
    default:
      return coerceText(definition, value, target);
  }
}

/**
 * Checks an object of sub-attributes and returns it with canonical sub-attribute names.
 * A `null` sub-attribute is kept, because in a merge it means "unassign"; read-only
 * sub-attributes are dropped, because the server computes them.
 */
export function coerceComplex(
  definition: AttributeDefinition,
  value: unknown,
  target: string,
): JsonObject {
  const source = definition.shorthand ? expandShorthand(definition, value, target) : value;
  const subAttributes = definition.subAttributes ?? [];
  const names = subAttributes.map((sub) => sub.name).join(', ');
  if (!isPlainObject(source)) {
    throw ScimPatchError.invalidValue(target, `an object with sub-attributes ${names}`, value);
  }
  const result: JsonObject = {};
  for (const [key, item] of Object.entries(source)) {
    const sub = findAttribute(subAttributes, key);
    if (sub === undefined) {
      throw ScimPatchError.invalidValue(target, `only the sub-attributes ${names}`, key);
    }
    if (!sub.readOnly) {
      result[sub.name] = item === null ? null : coerceScalar(sub, item, `${target}.${sub.name}`);
    }
  }

  return result;
}

/**
 * Checks the values for a multi-valued attribute. A lone object counts as a one-element list
 * because clients differ on wrapping a single new value; unassigned sub-attributes are dropped.
 */
export function coerceElements(
  definition: AttributeDefinition,
  value: unknown,
  target: string,
): JsonObject[] {
  const list = Array.isArray(value) ? value : isPlainObject(value) ? [value] : undefined;
  if (list === undefined) {
    throw ScimPatchError.invalidValue(
      target,
      `a list of objects such as [{"value": "...", "type": "work"}]`,
      value,
    );
  }

  return list.map((element, index) => {
    const coerced = coerceComplex(definition, element, `${target}[${index}]`);

    return Object.fromEntries(Object.entries(coerced).filter(([, item]) => item !== null));
  });
}

function coerceBoolean(value: unknown, target: string): boolean {
  if (typeof value === 'boolean') {
    return value;
  }
  if (typeof value === 'string' && /^(?:true|false)$/i.test(value)) {
    return value.toLowerCase() === 'true';
  }
  throw ScimPatchError.invalidValue(target, 'true or false', value);
}

function coerceText(definition: AttributeDefinition, value: unknown, target: string): string {
  if (typeof value !== 'string') {
    throw ScimPatchError.invalidValue(target, 'a string', value);
  }
  if (definition.required && value.trim() === '') {
    throw ScimPatchError.invalidValue(target, 'a non-empty string because it is required', value);
  }
  if (definition.type === 'dateTime' && Number.isNaN(Date.parse(value))) {
    throw ScimPatchError.invalidValue(target, 'an ISO 8601 date-time', value);
  }

  return value;
}

function expandShorthand(definition: AttributeDefinition, value: unknown, target: string) {
  let single = value;
  if (Array.isArray(value)) {
    if (value.length !== 1) {
      throw ScimPatchError.invalidValue(target, 'exactly one value', value);
    }
    single = value[0];
  }

  return typeof single === 'string' ? { [definition.shorthand as string]: single } : single;
}
