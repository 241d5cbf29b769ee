import { RotateScimTokenDocument, SetProvisioningModeDocument } from '../generated/graphql';
import type { TenantFixture, TestGateway } from './gateway';

export interface ScimResponse {
  status: number;
  headers: Headers;
  body: any;
}

/** A SCIM client for one tenant, speaking HTTP to the test gateway like an IdP would. */
export class ScimClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
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
  delete = (path: string) => this.request('DELETE', path);
}
