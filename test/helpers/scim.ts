import { RotateScimTokenDocument, SetProvisioningModeDocument } from '../generated/graphql';
import type { TenantFixture, TestGateway } from './gateway';

export const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ERROR_URN = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const LIST_URN = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const PATCH_URN = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const SEARCH_URN = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

export interface ScimResponse {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: free-form SCIM JSON, read by hand in each test.
  body: any;
}

/** A SCIM client for one tenant, speaking HTTP to the test gateway like an IdP would. */
export class ScimClient {
  constructor(
    readonly baseUrl: string,
    readonly token: string,
    private readonly contentType = 'application/scim+json',
  ) {}

  /** Switches the tenant to SCIM mode and issues a token, as an admin sets up an IdP. */
  static async forTenant(gateway: TestGateway, tenant: TenantFixture): Promise<ScimClient> {
    await gateway.graphql(
      SetProvisioningModeDocument,
      { input: { mode: 'SCIM' } },
      tenant.adminToken,
    );
    const rotated = await gateway.graphql(
      RotateScimTokenDocument,
      { input: { gracePeriodMinutes: 0 } },
      tenant.adminToken,
    );
    const payload = rotated.data!.rotateScimToken;
    const local = payload.scimBaseUrl!.replace('http://gateway.test', gateway.url);

    return new ScimClient(local, payload.token!);
  }

  withContentType(contentType: string): ScimClient {
    return new ScimClient(this.baseUrl, this.token, contentType);
  }

  withToken(token: string): ScimClient {
    return new ScimClient(this.baseUrl, token, this.contentType);
  }

  /** The same tenant and token on another server, e.g. a second instance of the gateway. */
  at(origin: string): ScimClient {
    const path = new URL(this.baseUrl).pathname;

    return new ScimClient(`${origin}${path}`, this.token, this.contentType);
  }

  async request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ScimResponse> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body !== undefined ? { 'content-type': this.contentType } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();

    return {
      status: response.status,
      headers: response.headers,
      body: text ? JSON.parse(text) : undefined,
    };
  }

  get = (path: string, headers?: Record<string, string>) =>
    this.request('GET', path, undefined, headers);
  post = (path: string, body: unknown) => this.request('POST', path, body);
  put = (path: string, body: unknown, headers?: Record<string, string>) =>
    this.request('PUT', path, body, headers);
  patch = (path: string, body: unknown, headers?: Record<string, string>) =>
    this.request('PATCH', path, body, headers);
  delete = (path: string, headers?: Record<string, string>) =>
    this.request('DELETE', path, undefined, headers);

  /** GET a collection with a filter and any other query parameters. */
  find(collection: string, filter: string, extra: Record<string, string> = {}) {
    const query = new URLSearchParams({ filter, ...extra });

    return this.get(`${collection}?${query}`);
  }
}

/** A PatchOp request body. */
export const patchOp = (...operations: unknown[]) => ({
  schemas: [PATCH_URN],
  Operations: operations,
});

/** A minimal SCIM User body: a userName that is also the email, plus any other attributes. */
export const scimUser = (userName: string, extra: Record<string, unknown> = {}) => ({
  schemas: [CORE_USER],
  userName,
  active: true,
  ...extra,
});

/** Asserts a SCIM error response: the Error schema, the status as a string, a useful detail. */
export function expectScimError(response: ScimResponse, status: number, scimType?: string) {
  expect({ status: response.status, scimType: response.body?.scimType }).toEqual({
    status,
    scimType,
  });
  expect(response.headers.get('content-type')).toMatch(/^application\/scim\+json/);
  expect(response.body).toMatchObject({ schemas: [ERROR_URN], status: String(status) });
  expect(typeof response.body.detail).toBe('string');
  expect(response.body.detail.length).toBeGreaterThan(10);
}

/** Collects the SQL the gateway runs while `action` is in progress. */
export async function captureSql(
  gateway: TestGateway,
  action: () => Promise<unknown>,
): Promise<string[]> {
  const knex = gateway.orm.em.getConnection().getKnex();
  const statements: string[] = [];
  const listener = (query: { sql: string }) => statements.push(query.sql);
  knex.on('query', listener);
  try {
    await action();
  } finally {
    knex.off('query', listener);
  }

  return statements;
}

export interface GraphUser {
  id: string;
  email: string;
  displayName: string | null;
  externalId: string | null;
  role: string;
  status: string;
  source: string;
  deactivatedAt: string | null;
}

/** The user as the GraphQL API shows it to the tenant's admin, or null when there is none. */
export async function graphUser(
  gateway: TestGateway,
  tenant: TenantFixture,
  id: string,
): Promise<GraphUser | null> {
  const result = await gateway.graphql<{ user: GraphUser | null }, { id: string }>(
    `query ($id: ID!) {
      user(id: $id) { id email displayName externalId role status source deactivatedAt }
    }`,
    { id },
    tenant.adminToken,
  );

  return result.data?.user ?? null;
}

export interface GraphTeam {
  id: string;
  name: string;
  externalId: string | null;
  source: string;
  members: { totalCount: number; edges: { node: { id: string } }[] };
}

/** The team as the GraphQL API shows it to the tenant's admin, or null when there is none. */
export async function graphTeam(
  gateway: TestGateway,
  tenant: TenantFixture,
  id: string,
): Promise<GraphTeam | null> {
  const result = await gateway.graphql<{ team: GraphTeam | null }, { id: string }>(
    `query ($id: ID!) {
      team(id: $id) {
        id name externalId source
        members(first: 100) { totalCount edges { node { id } } }
      }
    }`,
    { id },
    tenant.adminToken,
  );

  return result.data?.team ?? null;
}

/** The ids of a GraphQL team's members, sorted. */
export const memberIdsOf = (team: GraphTeam | null) =>
  (team?.members.edges ?? []).map((edge) => edge.node.id).sort();

export interface GraphAuditEvent {
  action: string;
  actor: { type: string; id: string | null };
  targets: { type: string; id: string }[];
  metadata: Record<string, unknown> | null;
}

/** The tenant's newest audit events that name `targetId`, as its admin reads them. */
export async function auditEventsFor(
  gateway: TestGateway,
  tenant: TenantFixture,
  targetId: string,
): Promise<GraphAuditEvent[]> {
  const result = await gateway.graphql<
    { auditEvents: { edges: { node: GraphAuditEvent }[] } },
    { targetId: string }
  >(
    `query ($targetId: ID!) {
      auditEvents(first: 100, filter: { targetId: $targetId }) {
        edges { node { action actor { type id } targets { type id } metadata } }
      }
    }`,
    { targetId },
    tenant.adminToken,
  );

  return (result.data?.auditEvents.edges ?? []).map((edge) => edge.node);
}
