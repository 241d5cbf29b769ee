import { RootScope } from './attributes';
import { compileFilter } from './compile';
import { ScimFilterError } from './errors';
import { parseFilter } from './parser';
import type { FilterSchema } from './schema';

export { ScimFilterError } from './errors';

/** Longer filters are refused before parsing, so that parsing cost stays bounded. */
export const MAX_FILTER_LENGTH = 4000;

/**
 * A WHERE condition with `?` placeholders, for `em.getConnection().execute(sql, params)` or
 * `qb.andWhere(sql, params)`. `sql` is parenthesised, so it can be joined with `and` as is.
 */
export interface TranslatedFilter {
  sql: string;
  params: unknown[];
}

/**
 * Translates a SCIM filter (RFC 7644 §3.4.2.2) into a PostgreSQL condition on the attributes
 * that `schema` maps. Throws ScimFilterError for any filter it cannot evaluate exactly.
 */
export function translateFilter(filter: string, schema: FilterSchema): TranslatedFilter {
  if (filter.length > MAX_FILTER_LENGTH) {
    throw ScimFilterError.tooLong(filter.length, MAX_FILTER_LENGTH);
  }
  const tree = parseFilter(filter);
  const params: unknown[] = [];
  const bind = (value: unknown) => {
    params.push(value);
    return '?';
  };
  const sql = compileFilter(tree, new RootScope(schema), bind);

  return { sql, params };
}
