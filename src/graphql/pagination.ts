import { ArgsType, type ClassType, Field, Int, ObjectType } from 'type-graphql';
import { DomainError } from '../common/errors';
import { isUuid } from '../common/ids';

export const MAX_PAGE_SIZE = 100;
const CURSOR_PREFIX = 'c1:';

@ArgsType()
export class PageArgs {
  @Field(() => Int, { defaultValue: 20, description: `At most ${MAX_PAGE_SIZE}.` })
  first = 20;

  @Field(() => String, { nullable: true, description: 'An `endCursor` from a previous page.' })
  after?: string | null;
}

/** Keyset position: rows are ordered by their time-ordered id, so a cursor is just the last id. */
export interface PageRequest {
  first: number;
  afterId?: string;
}

export function encodeCursor(id: string): string {
  return Buffer.from(CURSOR_PREFIX + id).toString('base64url');
}

/** Validates `first` and decodes `after`; bad values are the caller's to fix. */
export function pageRequest(args: { first?: number | null; after?: string | null }): PageRequest {
  const first = args.first ?? 20;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw DomainError.badInput(
      'first',
      `first must be between 0 and ${MAX_PAGE_SIZE}; received ${first}. ` +
        'Fetch further pages with `after: pageInfo.endCursor`.',
    );
  }
  if (args.after == null) return { first };
  const decoded = Buffer.from(args.after, 'base64url').toString();
  const id = decoded.startsWith(CURSOR_PREFIX) ? decoded.slice(CURSOR_PREFIX.length) : '';
  if (!isUuid(id)) {
    throw DomainError.badInput(
      'after',
      'after must be a cursor returned in pageInfo.endCursor or edges.cursor by this API.',
    );
  }

  return { first, afterId: id };
}

/** One page of rows; `count` is only run when a client asks for `totalCount`. */
export interface Page<T> {
  nodes: T[];
  hasNextPage: boolean;
  count: () => Promise<number>;
}

/** Turns a query that fetched `first + 1` rows into a page. */
export function toPage<T>(rows: T[], first: number, count: () => Promise<number>): Page<T> {
  return { nodes: rows.slice(0, first), hasNextPage: rows.length > first, count };
}

@ObjectType()
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
  totalCount(): Promise<number>;
}

/** Builds the Relay connection type `${name}Connection` for a node type. */
export function ConnectionType<T extends { id: string }>(
  node: ClassType<T>,
  name: string,
): ClassType<Connection<T>> & { from(page: Page<T>): Connection<T> } {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field(() => String)
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionClass implements Connection<T> {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    private count!: () => Promise<number>;

    @Field(() => Int, { description: 'All matching nodes, across every page.' })
    totalCount(): Promise<number> {
      return this.count();
    }

    static from(page: Page<T>): ConnectionClass {
      const connection = new ConnectionClass();
      connection.edges = page.nodes.map((item) => ({ cursor: encodeCursor(item.id), node: item }));
      const last = page.nodes.at(-1);
      connection.pageInfo = {
        hasNextPage: page.hasNextPage,
        endCursor: last ? encodeCursor(last.id) : null,
      };
      connection.count = page.count;

      return connection;
    }
  }

  return ConnectionClass;
}
