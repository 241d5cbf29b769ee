import { checkAttributeName } from './attribute-name';
import { ScimPatchError } from './patch-error';
import { endOfString, parseValueFilter, type ValueFilter } from './value-filter';

/** A parsed PATCH path (RFC 7644 §3.5.2): `[schema:]attribute[.sub]` or `attribute[filter].sub`. */
export interface ScimPath {
  readonly raw: string;
  /** The schema URN the path was qualified with, in the spelling of the matching known schema. */
  readonly schema?: string;
  /** Absent when the path names a whole extension schema rather than one of its attributes. */
  readonly attribute?: string;
  readonly filter?: ValueFilter;
  readonly subAttribute?: string;
}

/**
 * Parses a path. `knownSchemas` decides where a URN prefix ends: in
 * `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value` only a known schema
 * says that the attribute is `manager` and not `User`. An unknown URN is split at its last colon.
 */
export function parseScimPath(raw: string, knownSchemas: readonly string[]): ScimPath {
  const text = raw.trim();
  if (text === '') {
    throw ScimPatchError.invalidPath(raw, 'is empty; name an attribute or leave "path" out');
  }
  const open = text.indexOf('[');
  const head = open === -1 ? text : text.slice(0, open);
  const { schema, relative } = splitSchema(head, knownSchemas, raw);
  if (relative === undefined) {
    if (open !== -1) {
      throw ScimPatchError.invalidPath(raw, 'filters a schema; filter one of its attributes');
    }

    return { raw, schema };
  }
  const names = relative.split('.');
  if (names.length > 2) {
    throw ScimPatchError.invalidPath(raw, 'nests deeper than attribute.subAttribute');
  }
  const attribute = checkAttributeName(names[0], raw);
  if (open === -1) {
    const subAttribute = names.length === 2 ? checkAttributeName(names[1], raw) : undefined;

    return { raw, schema, attribute, subAttribute };
  }
  if (names.length === 2) {
    throw ScimPatchError.invalidPath(
      raw,
      'puts a filter after a sub-attribute; write a[filter].sub',
    );
  }

  return { raw, schema, attribute, ...parseFilterAndSubAttribute(text, open, raw) };
}

function splitSchema(
  head: string,
  knownSchemas: readonly string[],
  raw: string,
): { schema?: string; relative?: string } {
  if (!/^urn:/i.test(head)) {
    return { relative: head };
  }
  const lowered = head.toLowerCase();
  const known = knownSchemas
    .filter((urn) => lowered === urn.toLowerCase() || lowered.startsWith(`${urn.toLowerCase()}:`))
    .sort((left, right) => right.length - left.length)[0];
  if (known !== undefined) {
    const rest = head.slice(known.length + 1);

    return { schema: known, relative: rest === '' ? undefined : rest };
  }
  const colon = head.lastIndexOf(':');
  if (colon <= 'urn:'.length) {
    throw ScimPatchError.invalidPath(
      raw,
      'is a URN without an attribute; write <schema URN>:<name>',
    );
  }

  return { schema: head.slice(0, colon), relative: head.slice(colon + 1) };
}

function parseFilterAndSubAttribute(
  text: string,
  open: number,
  raw: string,
): { filter: ValueFilter; subAttribute?: string } {
  const close = closingBracket(text, open, raw);
  const filter = parseValueFilter(text.slice(open + 1, close), raw);
  const rest = text.slice(close + 1);
  if (rest === '') {
    return { filter };
  }
  if (!rest.startsWith('.')) {
    throw ScimPatchError.invalidPath(raw, `continues with "${rest}" after "]"; expected ".name"`);
  }

  return { filter, subAttribute: checkAttributeName(rest.slice(1), raw) };
}

/** Finds the "]" that closes the filter, skipping any "]" inside a quoted filter value. */
function closingBracket(text: string, open: number, raw: string): number {
  for (let index = open + 1; index < text.length; index += 1) {
    const char = text[index];
    if (char === '"') {
      index = endOfString(text, index, raw);
    } else if (char === '[') {
      throw ScimPatchError.invalidPath(raw, 'nests a filter inside a filter');
    } else if (char === ']') {
      return index;
    }
  }
  throw ScimPatchError.invalidPath(raw, 'opens a filter with "[" but never closes it with "]"');
}
