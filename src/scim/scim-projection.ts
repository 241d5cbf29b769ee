type Json = Record<string, unknown>;

/** Returned whatever `attributes` or `excludedAttributes` say (RFC 7643 §7, returned=always). */
const ALWAYS = new Set(['id', 'schemas']);

/**
 * Strips a schema URN from an attribute name, keeping the URN as the first path part when it
 * names an extension, since extension attributes are stored under their URN.
 */
export function attributePath(name: string, extensionUrns: string[]): string[] {
  const lower = name.toLowerCase();
  for (const urn of extensionUrns) {
    const prefix = `${urn.toLowerCase()}:`;
    if (lower.startsWith(prefix)) return [urn, ...name.slice(prefix.length).split('.')];
    if (lower === urn.toLowerCase()) return [urn];
  }
  const core = /^urn:ietf:params:scim:schemas:core:2\.0:\w+:/i.exec(name);

  return (core ? name.slice(core[0].length) : name).split('.');
}

const findKey = (object: Json, name: string) =>
  Object.keys(object).find((key) => key.toLowerCase() === name.toLowerCase());

function pick(source: Json, path: string[], target: Json): void {
  const key = findKey(source, path[0]);
  if (key === undefined) return;
  const value = source[key];
  if (path.length === 1) {
    target[key] = value;
    return;
  }
  if (Array.isArray(value)) {
    const existing = Array.isArray(target[key]) ? (target[key] as Json[]) : value.map(() => ({}));
    value.forEach((item, i) => {
      if (item && typeof item === 'object') pick(item as Json, path.slice(1), existing[i]);
    });
    target[key] = existing;
  } else if (value && typeof value === 'object') {
    const child = (target[key] as Json) ?? {};
    pick(value as Json, path.slice(1), child);
    target[key] = child;
  }
}

function drop(target: Json, path: string[]): void {
  const key = findKey(target, path[0]);
  if (key === undefined) return;
  if (path.length === 1) {
    delete target[key];
    return;
  }
  const value = target[key];
  const children = Array.isArray(value) ? value : [value];
  for (const child of children) {
    if (child && typeof child === 'object') drop(child as Json, path.slice(1));
  }
}

/** Applies `attributes` (keep only these) or `excludedAttributes` (drop these) to a resource. */
export function project(
  resource: Json,
  attributes: string[],
  excluded: string[],
  extensionUrns: string[],
): Json {
  if (attributes.length > 0) {
    const kept: Json = {};
    for (const name of [...ALWAYS, ...attributes]) {
      pick(resource, attributePath(name, extensionUrns), kept);
    }

    return kept;
  }
  if (excluded.length === 0) return resource;
  const copy = structuredClone(resource);
  for (const name of excluded) {
    const path = attributePath(name, extensionUrns);
    if (!(path.length === 1 && ALWAYS.has(path[0]))) drop(copy, path);
  }

  return copy;
}

/** Whether a projection leaves `name` out, so the caller can skip loading it at all. */
export function excludes(attributes: string[], excluded: string[], name: string): boolean {
  const lower = name.toLowerCase();
  if (attributes.length > 0) {
    return !attributes.some((a) => a.toLowerCase().split('.')[0].endsWith(lower));
  }

  return excluded.some((e) => e.toLowerCase() === lower || e.toLowerCase().endsWith(`:${lower}`));
}
