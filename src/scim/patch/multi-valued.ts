import {
  type AttributeChange,
  skipsReadOnly,
  storeOrDelete,
  subAttributeOf,
} from './attribute-change';
import { type AttributeDefinition, findAttribute } from './attribute-definition';
import {
  cloneJson,
  deleteOwn,
  findOwnKey,
  isPlainObject,
  type JsonObject,
  mergeOwn,
  readCaseInsensitive,
  readOwn,
  sameJson,
  writeOwn,
} from './own-properties';
import { ScimPatchError } from './patch-error';
import type { ScimPath } from './scim-path';
import { coerceElements, coerceScalar } from './value-coercion';
import {
  equalityFacts,
  filterAttributes,
  matchesFilter,
  type ValueFilter,
  valuesEqual,
} from './value-filter';

interface Outcome {
  readonly elements: JsonObject[];
  /** The values this change wrote; they win any contest over `primary`. */
  readonly written: JsonObject[];
}

/** Applies a change to a multi-valued complex attribute such as emails or addresses. */
export function applyMultiValued(
  container: JsonObject,
  key: string,
  definition: AttributeDefinition,
  change: AttributeChange,
): void {
  const { path, value } = change;
  const current = readOwn(container, key);
  const elements = Array.isArray(current) ? current.filter(isPlainObject) : [];
  let outcome: Outcome;
  if (path.filter !== undefined) {
    outcome = applyFiltered(elements, definition, change, path.filter);
  } else if (path.subAttribute !== undefined) {
    outcome = removeEverywhere(elements, definition, change, path.subAttribute);
  } else if (value === undefined || value === null) {
    outcome = { elements: [], written: [] };
  } else {
    outcome = applyWhole(elements, definition, change);
  }

  storeOrDelete(container, key, preferPrimary(outcome, path));
}

function applyWhole(
  elements: JsonObject[],
  definition: AttributeDefinition,
  { op, path, value }: AttributeChange,
): Outcome {
  const incoming = coerceElements(definition, value, path.raw);
  if (op === 'remove') {
    // Entra ID removes group members by listing them in `value`; any list works the same way.
    const unwanted = (element: JsonObject) =>
      incoming.some((example) => matchesExample(element, example, definition));

    return { elements: elements.filter((element) => !unwanted(element)), written: [] };
  }
  const kept = op === 'replace' ? [] : elements;
  const added = incoming.filter(
    (element, index) =>
      !kept.some((old) => sameJson(old, element)) &&
      incoming.findIndex((other) => sameJson(other, element)) === index,
  );

  return { elements: [...kept, ...added], written: added };
}

function applyFiltered(
  elements: JsonObject[],
  definition: AttributeDefinition,
  change: AttributeChange,
  filter: ValueFilter,
): Outcome {
  const { op, path, value } = change;
  for (const name of filterAttributes(filter)) {
    subAttributeOf(definition, name, path);
  }
  const matched = elements.filter((element) =>
    matchesFilter(element, filter, (name) => isCaseExact(definition, name)),
  );
  const sub =
    path.subAttribute === undefined
      ? undefined
      : subAttributeOf(definition, path.subAttribute, path);
  if (sub !== undefined && skipsReadOnly(sub, change)) {
    return { elements, written: [] };
  }
  if (op === 'remove' || value === null) {
    if (matched.length === 0 && op === 'remove') {
      throw ScimPatchError.noTarget(path.raw, `no ${definition.name} value matches the filter`);
    }

    return { elements: removeMatched(elements, matched, sub), written: [] };
  }
  if (sub === undefined) {
    return writeWholeValues(elements, matched, definition, change, filter);
  }
  const coerced = coerceScalar(sub, value, path.raw);
  const targets = matched.length > 0 ? matched : [newFromFilter(definition, filter, path)];
  for (const element of targets) {
    writeOwn(element, findOwnKey(element, sub.name) ?? sub.name, coerced);
  }

  return { elements: matched.length > 0 ? elements : [...elements, ...targets], written: targets };
}

function writeWholeValues(
  elements: JsonObject[],
  matched: JsonObject[],
  definition: AttributeDefinition,
  { op, path, value }: AttributeChange,
  filter: ValueFilter,
): Outcome {
  const incoming = coerceElements(definition, value, path.raw);
  if (incoming.length !== 1) {
    throw ScimPatchError.invalidValue(
      path.raw,
      'one object to write into each matching value',
      value,
    );
  }
  const [replacement] = incoming;
  if (op === 'replace') {
    if (matched.length === 0) {
      throw ScimPatchError.noTarget(
        path.raw,
        `no ${definition.name} value matches the filter; use "add" to create one`,
      );
    }
    const written = matched.map(() => cloneJson(replacement));
    const swap = (element: JsonObject) => written[matched.indexOf(element)] ?? element;

    return { elements: elements.map(swap), written };
  }
  const targets = matched.length > 0 ? matched : [newFromFilter(definition, filter, path)];
  for (const element of targets) {
    mergeOwn(element, cloneJson(replacement));
  }

  return { elements: matched.length > 0 ? elements : [...elements, ...targets], written: targets };
}

/**
 * A new value holding what an `eq` filter asks for. Entra ID writes
 * `emails[type eq "work"].value` to a user who has no work address yet and expects one created.
 */
function newFromFilter(definition: AttributeDefinition, filter: ValueFilter, path: ScimPath) {
  const facts = equalityFacts(filter);
  if (facts === undefined) {
    throw ScimPatchError.noTarget(
      path.raw,
      `no ${definition.name} value matches, and only eq comparisons joined by "and" ` +
        'describe a value to create',
    );
  }
  const element: JsonObject = {};
  for (const [name, fact] of Object.entries(facts)) {
    const sub = subAttributeOf(definition, name, path);
    writeOwn(element, sub.name, coerceScalar(sub, fact, path.raw));
  }

  return element;
}

function removeEverywhere(
  elements: JsonObject[],
  definition: AttributeDefinition,
  change: AttributeChange,
  subAttribute: string,
): Outcome {
  const sub = subAttributeOf(definition, subAttribute, change.path);
  if (change.op !== 'remove') {
    throw ScimPatchError.invalidPath(
      change.path.raw,
      `would change ${sub.name} of every ${definition.name} value; pick one with a filter ` +
        `such as ${definition.name}[type eq "work"].${sub.name}`,
    );
  }
  if (skipsReadOnly(sub, change)) {
    return { elements, written: [] };
  }

  return { elements: removeMatched(elements, elements, sub), written: [] };
}

function removeMatched(
  elements: JsonObject[],
  matched: JsonObject[],
  sub: AttributeDefinition | undefined,
): JsonObject[] {
  if (sub === undefined) {
    return elements.filter((element) => !matched.includes(element));
  }
  for (const element of matched) {
    deleteOwn(element, findOwnKey(element, sub.name));
  }

  return elements.filter((element) => Object.keys(element).length > 0);
}

/** RFC 7643 §2.4: at most one value is primary, and a value just written as primary wins. */
function preferPrimary({ elements, written }: Outcome, path: ScimPath): JsonObject[] {
  const isPrimary = (element: JsonObject) => readCaseInsensitive(element, 'primary') === true;
  const winners = written.filter(isPrimary);
  if (winners.length > 1) {
    throw ScimPatchError.invalidValue(
      path.raw,
      'at most one value with "primary": true',
      `${winners.length} primary values`,
    );
  }
  if (winners.length === 1) {
    for (const element of elements) {
      if (element !== winners[0] && isPrimary(element)) {
        writeOwn(element, findOwnKey(element, 'primary') as string, false);
      }
    }
  }

  return elements;
}

function matchesExample(element: JsonObject, example: JsonObject, definition: AttributeDefinition) {
  return Object.entries(example).every(([name, expected]) =>
    valuesEqual(readCaseInsensitive(element, name), expected, isCaseExact(definition, name)),
  );
}

function isCaseExact(definition: AttributeDefinition, name: string): boolean {
  return findAttribute(definition.subAttributes ?? [], name)?.caseExact === true;
}
