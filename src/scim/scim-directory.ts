import type { EntityManager } from '@mikro-orm/postgresql';
import { groupBy } from '../common/group-by';
import { isUuid } from '../common/ids';
import { placeholders, readRows } from '../db/read-model';
import { Team } from '../team/team.entity';
import { User } from '../user/user.entity';
import { type FilterSchema, ScimFilterError, translateFilter } from './filter';
import { ScimError } from './scim-error';
import { GROUP_FILTER_SCHEMA, spelledAttribute, USER_FILTER_SCHEMA } from './scim-filter-schemas';
import type { GroupMember } from './scim-group.mapper';
import type { ListParams } from './scim-list-params';

export interface Listed<T> {
  totalResults: number;
  rows: T[];
}

/**
 * The SCIM read side. Filters and sorting are translated to SQL, so a tenant's users are never
 * loaded to be filtered in memory; rows are read as plain records, not managed entities.
 */
export class ScimDirectory {
  constructor(private readonly em: EntityManager) {}

  async user(tenantId: string, id: string): Promise<User | null> {
    if (!isUuid(id)) return null;
    const rows = await this.em
      .getConnection()
      .execute('select u.* from "app_user" u where u.tenant_id = ? and u.id = ?', [tenantId, id]);

    return readRows(this.em, User, rows)[0] ?? null;
  }

  async users(
    tenantId: string,
    params: ListParams,
    schema = USER_FILTER_SCHEMA,
  ): Promise<Listed<User>> {
    const rows = await this.list('app_user', 'u', schema, tenantId, params);

    return { totalResults: rows.totalResults, rows: readRows(this.em, User, rows.rows) };
  }

  async group(tenantId: string, id: string): Promise<Team | null> {
    if (!isUuid(id)) return null;
    const rows = await this.em
      .getConnection()
      .execute('select t.* from "team" t where t.tenant_id = ? and t.id = ?', [tenantId, id]);

    return readRows(this.em, Team, rows)[0] ?? null;
  }

  async groups(
    tenantId: string,
    params: ListParams,
    schema = GROUP_FILTER_SCHEMA,
  ): Promise<Listed<Team>> {
    const rows = await this.list('team', 't', schema, tenantId, params);

    return { totalResults: rows.totalResults, rows: readRows(this.em, Team, rows.rows) };
  }

  /** The members of several groups in one statement. */
  async members(tenantId: string, teamIds: string[]): Promise<Map<string, GroupMember[]>> {
    if (teamIds.length === 0) return new Map();
    const rows: { team_id: string; id: string; email: string; display_name: string | null }[] =
      await this.em.getConnection().execute(
        `select tm.team_id, u.id, u.email, u.display_name
         from "team_membership" tm join "app_user" u on u.id = tm.user_id
         where tm.tenant_id = ? and tm.team_id in (${placeholders(teamIds)})
         order by u.id`,
        [tenantId, ...teamIds],
      );
    const grouped = groupBy(rows, (row) => row.team_id);

    return new Map(
      [...grouped].map(([teamId, list]) => [
        teamId,
        list.map((row) => ({ id: row.id, email: row.email, displayName: row.display_name })),
      ]),
    );
  }

  private async list(
    table: string,
    alias: string,
    schema: FilterSchema,
    tenantId: string,
    params: ListParams,
  ): Promise<Listed<Record<string, unknown>>> {
    const where = [`${alias}.tenant_id = ?`];
    const values: unknown[] = [tenantId];
    if (params.filter) {
      try {
        const translated = translateFilter(params.filter, schema);
        where.push(`(${translated.sql})`);
        values.push(...translated.params);
      } catch (error) {
        if (error instanceof ScimFilterError) {
          throw new ScimError(400, error.message, 'invalidFilter');
        }
        throw error;
      }
    }
    const from = `from "${table}" ${alias} where ${where.join(' and ')}`;
    const [{ total }] = await this.em
      .getConnection()
      .execute(`select count(*)::int as total ${from}`, values);
    if (params.count === 0) return { totalResults: total, rows: [] };

    const direction = params.sortOrder === 'descending' ? 'desc' : 'asc';
    const order = params.sortBy
      ? `${sortExpression(schema, params.sortBy)} ${direction} nulls last, ${alias}.id`
      : `${alias}.id`;
    const rows = await this.em
      .getConnection()
      .execute(`select ${alias}.* ${from} order by ${order} limit ? offset ?`, [
        ...values,
        params.count,
        params.startIndex - 1,
      ]);

    return { totalResults: total, rows };
  }
}

/** Sorting takes any single-valued attribute a filter may name. */
function sortExpression(schema: FilterSchema, sortBy: string): string {
  let path = sortBy.toLowerCase();
  for (const urn of schema.schemaUrns) {
    const prefix = `${urn.toLowerCase()}:`;
    if (path.startsWith(prefix)) path = path.slice(prefix.length);
  }
  const attribute = schema.attributes[path];
  if (attribute?.kind !== 'scalar') {
    const sortable = Object.entries(schema.attributes)
      .filter(([, a]) => a.kind === 'scalar')
      .map(([name]) => spelledAttribute(name));
    throw ScimError.invalidValue(
      `sortBy "${sortBy}" is not a sortable attribute; use one of: ${sortable.join(', ')}.`,
    );
  }

  return attribute.caseExact || attribute.type !== 'string'
    ? attribute.sql
    : `lower(${attribute.sql})`;
}
