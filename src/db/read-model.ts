import type { EntityClass, EntityData } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Maps raw rows to plain objects with the entity's property names and types, without making
 * managed entities. Read paths that return many rows for display use this: hydrating and
 * tracking entities costs several times more CPU than the query. The objects are snapshots;
 * never persist them.
 */
export function readRows<T extends object>(
  em: EntityManager,
  entity: EntityClass<T>,
  rows: Record<string, unknown>[],
): T[] {
  const meta = em.getMetadata().get<T>(entity.name);
  const driver = em.getDriver();
  // The driver leaves timestamps as the strings PostgreSQL sent; entities would parse them.
  const dates = meta.props
    .filter((prop) => prop.runtimeType === 'Date' || prop.type === 'datetime')
    .map((prop) => prop.name as string);

  return rows.map((row) => {
    const data = driver.mapResult(row as EntityData<T>, meta) as Record<string, unknown>;
    for (const name of dates) {
      const value = data[name];
      if (typeof value === 'string') data[name] = new Date(value);
    }

    return data as T;
  });
}

/** Splits the columns a query prefixed with `prefix` off a row, for rows that join two tables. */
export function splitRow(
  row: Record<string, unknown>,
  prefix: string,
): [Record<string, unknown>, Record<string, unknown>] {
  const own: Record<string, unknown> = {};
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (key.startsWith(prefix)) own[key.slice(prefix.length)] = value;
    else rest[key] = value;
  }

  return [own, rest];
}

/** `?, ?, …` for an `in (…)` list of these values, bound as parameters. */
export const placeholders = (values: readonly unknown[]): string =>
  values.map(() => '?').join(', ');
