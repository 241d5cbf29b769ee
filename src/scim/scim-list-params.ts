import { ScimError } from './scim-error';
import { DEFAULT_COUNT, MAX_RESULTS } from './scim-schemas';

export interface ListParams {
  filter?: string;
  startIndex: number;
  count: number;
  sortBy?: string;
  sortOrder: 'ascending' | 'descending';
  attributes: string[];
  excludedAttributes: string[];
}

const list = (value: unknown): string[] => {
  if (value === undefined || value === null || value === '') return [];
  const items = Array.isArray(value) ? value : String(value).split(',');

  return items.map((item) => String(item).trim()).filter(Boolean);
};

function integer(name: string, value: unknown, fallback: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed)) {
    throw ScimError.invalidValue(`${name} must be an integer; received ${JSON.stringify(value)}.`);
  }

  // Past any real page anyway; unbounded, 1e20 would overflow PostgreSQL's bigint offset.
  return Math.min(parsed, Number.MAX_SAFE_INTEGER);
}

/**
 * Reads paging, sorting and projection from a query string or a /.search body. Out-of-range
 * values are clamped as RFC 7644 §3.4.2.4 allows: a startIndex below 1 means 1, and count is
 * capped at the advertised maxResults.
 */
export function parseListParams(source: Record<string, unknown>): ListParams {
  const filter = source.filter;
  if (filter !== undefined && typeof filter !== 'string') {
    throw new ScimError(400, 'filter must be a string.', 'invalidFilter');
  }
  const sortOrder = String(source.sortOrder ?? 'ascending').toLowerCase();
  if (sortOrder !== 'ascending' && sortOrder !== 'descending') {
    throw ScimError.invalidValue(
      `sortOrder must be "ascending" or "descending"; received "${source.sortOrder}".`,
    );
  }

  return {
    filter: filter?.trim() || undefined,
    startIndex: Math.max(1, integer('startIndex', source.startIndex, 1)),
    count: Math.min(MAX_RESULTS, Math.max(0, integer('count', source.count, DEFAULT_COUNT))),
    sortBy: typeof source.sortBy === 'string' && source.sortBy ? source.sortBy : undefined,
    sortOrder,
    attributes: list(source.attributes),
    excludedAttributes: list(source.excludedAttributes),
  };
}
