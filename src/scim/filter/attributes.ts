import type { PathRef } from './ast';
import { ScimFilterError } from './errors';
import type {
  FilterSchema,
  MultiValuedAttribute,
  ScalarAttribute,
  ScimType,
  SubAttribute,
} from './schema';

/** The row alias for one element of a multi-valued attribute inside `exists (...)`. */
export const ELEMENT_ALIAS = 'scim_element';

/** A single value a filter compares: SQL yielding it, and how to compare it. */
export interface Operand {
  sql: string;
  type: ScimType;
  caseExact: boolean;
  /** The path as the client wrote it, for error messages. */
  name: string;
}

/** What an attribute path in a comparison or `pr` refers to. */
export type Target =
  | { kind: 'single'; operand: Operand }
  /** Matches when any element of the array does; `explicitSub` is false for a bare `emails`. */
  | { kind: 'anyElement'; elements: string; operand: Operand; explicitSub: boolean };

/** What the attribute before `[ ]` refers to, and how to read the paths inside the brackets. */
export interface Container {
  /** SQL of the JSONB array to search element-wise; absent for a single-valued complex one. */
  elements?: string;
  scope: Scope;
}

export interface Scope {
  resolve(path: PathRef): Target;
  container(path: PathRef): Container;
}

/** Resolves top-level paths: an optional schema URN, then an attribute and sub-attribute. */
export class RootScope implements Scope {
  private readonly attributes = new Map<string, ScalarAttribute | MultiValuedAttribute>();
  private readonly urns: string[];

  constructor(schema: FilterSchema) {
    for (const [key, attribute] of Object.entries(schema.attributes)) {
      this.attributes.set(key.toLowerCase(), attribute);
    }
    // Longest first, so a URN that extends another is tried before it.
    this.urns = schema.schemaUrns
      .map((urn) => urn.toLowerCase())
      .sort((a, b) => b.length - a.length);
  }

  resolve(path: PathRef): Target {
    const name = this.stripUrn(path);
    const attribute = this.attributes.get(name);
    if (attribute?.kind === 'scalar') {
      return { kind: 'single', operand: { ...attribute, name: path.text } };
    }
    if (attribute?.kind === 'multi') {
      const key = findSubKey(attribute, attribute.defaultSub.toLowerCase()) ?? attribute.defaultSub;
      const operand = elementOperand(attribute, key, path.text);
      return { kind: 'anyElement', elements: attribute.elements, operand, explicitSub: false };
    }

    const [head, sub] = name.split('.');
    const parent = this.attributes.get(head);
    if (sub !== undefined && parent?.kind === 'multi') {
      const key = findSubKey(parent, sub);
      if (key === undefined) {
        throw unknownSubAttribute(path, head, parent);
      }
      const operand = elementOperand(parent, key, path.text);
      return { kind: 'anyElement', elements: parent.elements, operand, explicitSub: true };
    }
    // A single-valued complex attribute named on its own means its value, the way clients
    // compare the enterprise extension's manager: `...:User:manager eq "id"`.
    const value = this.attributes.get(`${name}.value`);
    if (sub === undefined && value?.kind === 'scalar') {
      return { kind: 'single', operand: { ...value, name: path.text } };
    }

    throw this.unknownAttribute(path);
  }

  container(path: PathRef): Container {
    const name = this.stripUrn(path);
    const attribute = this.attributes.get(name);
    if (attribute?.kind === 'multi') {
      return { elements: attribute.elements, scope: new ElementScope(attribute, path.text) };
    }
    const isComplex = [...this.attributes.keys()].some((key) => key.startsWith(`${name}.`));
    if (attribute === undefined && !name.includes('.') && isComplex) {
      return { scope: new ComplexScope(this, name, path.text) };
    }
    if (attribute === undefined && !isComplex) {
      throw this.unknownAttribute(path);
    }

    throw ScimFilterError.unsupported(
      path.position,
      `${path.text} holds a single value, so it takes no value filter "[ ]"`,
      `compare it directly, as in ${path.text} eq "..."`,
    );
  }

  /** The path without its schema URN, lower-cased: the key into `attributes`. */
  private stripUrn(path: PathRef): string {
    const lower = path.text.toLowerCase();
    if (!lower.startsWith('urn:')) {
      return lower;
    }
    const urn = this.urns.find((candidate) => lower.startsWith(`${candidate}:`));
    if (urn === undefined) {
      throw ScimFilterError.unexpected(
        path.position,
        `an attribute of one of the schemas ${this.urns.join(', ')}`,
        `"${path.text}"`,
      );
    }

    return lower.slice(urn.length + 1);
  }

  private unknownAttribute(path: PathRef): ScimFilterError {
    const known = [...this.attributes.keys()].sort().join(', ');
    return ScimFilterError.unsupported(
      path.position,
      `unknown attribute "${path.text}"`,
      `filter on one of ${known} (names are case-insensitive)`,
    );
  }
}

/** Resolves the paths inside `emails[...]`: sub-attributes of one element. */
class ElementScope implements Scope {
  constructor(
    private readonly attribute: MultiValuedAttribute,
    private readonly parentName: string,
  ) {}

  resolve(path: PathRef): Target {
    const key = findSubKey(this.attribute, path.text.toLowerCase());
    if (key === undefined) {
      throw unknownSubAttribute(path, this.parentName, this.attribute);
    }
    const operand = elementOperand(this.attribute, key, `${this.parentName}.${path.text}`);

    return { kind: 'single', operand };
  }

  container(path: PathRef): Container {
    // The parser refuses nested brackets already; inner scopes answer the same way.
    throw ScimFilterError.nestedValueFilter(path.position);
  }
}

/** Resolves the paths inside `name[...]` against `name.<sub>` of the root scope. */
class ComplexScope implements Scope {
  constructor(
    private readonly root: RootScope,
    private readonly prefix: string,
    private readonly parentName: string,
  ) {}

  resolve(path: PathRef): Target {
    if (path.text.includes('.') || path.text.includes(':')) {
      throw ScimFilterError.unexpected(
        path.position,
        `a sub-attribute of ${this.parentName}, such as ${this.parentName}[givenName eq "x"]`,
        `"${path.text}"`,
      );
    }

    return this.root.resolve({ ...path, text: `${this.prefix}.${path.text}` });
  }

  container(path: PathRef): Container {
    // The parser refuses nested brackets already; inner scopes answer the same way.
    throw ScimFilterError.nestedValueFilter(path.position);
  }
}

function findSubKey(attribute: MultiValuedAttribute, lowerName: string): string | undefined {
  return Object.keys(attribute.subAttributes).find((key) => key.toLowerCase() === lowerName);
}

/** Reads one sub-attribute of the current element, cast to its SCIM type. */
function elementOperand(attribute: MultiValuedAttribute, key: string, name: string): Operand {
  const sub: SubAttribute | undefined = attribute.subAttributes[key];
  if (sub === undefined) {
    // A schema defect, not a client error: the default names no declared sub-attribute.
    throw new Error(
      `FilterSchema: defaultSub "${key}" is not one of the subAttributes ` +
        `${Object.keys(attribute.subAttributes).join(', ')}; declare it or change defaultSub.`,
    );
  }
  const text = `(${ELEMENT_ALIAS}->>'${key.replaceAll("'", "''")}')`;
  const casts: Record<ScimType, string> = {
    string: text,
    reference: text,
    boolean: `${text}::boolean`,
    dateTime: `${text}::timestamptz`,
    integer: `${text}::bigint`,
  };

  return { sql: casts[sub.type], type: sub.type, caseExact: sub.caseExact, name };
}

function unknownSubAttribute(
  path: PathRef,
  parentName: string,
  attribute: MultiValuedAttribute,
): ScimFilterError {
  const known = Object.keys(attribute.subAttributes).join(', ');
  return ScimFilterError.unsupported(
    path.position,
    `"${path.text}" is not a sub-attribute of ${parentName}`,
    `use one of ${known}`,
  );
}
