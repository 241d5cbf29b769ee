import type { Request } from 'express';
import { applyUserPatch, type PatchOperation, parsePatchRequest } from './patch';
import { listResponse, type ScimContext, type ScimReply } from './scim.router';
import { ScimError } from './scim-error';
import { ifMatchVersion } from './scim-etag';
import { ROOT_GROUP_FILTER_SCHEMA, ROOT_USER_FILTER_SCHEMA } from './scim-filter-schemas';
import { groupListing } from './scim-groups';
import { type ListParams, parseListParams } from './scim-list-params';
import { project } from './scim-projection';
import { ENTERPRISE_USER } from './scim-schemas';
import { etag, fromScimUser, toScimUser, type UserRecord, userLocation } from './scim-user.mapper';

const EXTENSIONS = [ENTERPRISE_USER];

function present(
  user: UserRecord,
  ctx: ScimContext,
  params?: Pick<ListParams, 'attributes' | 'excludedAttributes'>,
) {
  const resource = toScimUser(user, ctx.baseUrl);

  return params
    ? project(resource, params.attributes, params.excludedAttributes, EXTENSIONS)
    : resource;
}

function reply(status: number, user: UserRecord, ctx: ScimContext): ScimReply {
  return {
    status,
    body: present(user, ctx),
    headers: { ETag: etag(user.version), Location: userLocation(ctx.baseUrl, user.id) },
  };
}

async function load(req: Request, ctx: ScimContext): Promise<UserRecord> {
  const user = await ctx.directory.user(ctx.tenant.id, String(req.params.id));
  if (!user) throw ScimError.notFound('user', String(req.params.id));

  return user;
}

/** A PUT may repeat the id but never change it. */
function assertSameId(body: unknown, id: string): void {
  const sent = (body as { id?: unknown } | null)?.id;
  if (sent !== undefined && sent !== id) {
    throw new ScimError(
      400,
      `id is read-only: the body says "${sent}" for user "${id}".`,
      'mutability',
    );
  }
}

/**
 * Okta with password sync sends the password in PATCH bodies. The gateway keeps no passwords
 * from an IdP (users sign in through it), so those parts are dropped rather than refused.
 */
function withoutPassword(operations: PatchOperation[]): PatchOperation[] {
  return operations.flatMap((operation) => {
    if (operation.path?.toLowerCase() === 'password') return [];
    if (operation.path === undefined && operation.value && typeof operation.value === 'object') {
      const { password: _, ...rest } = operation.value as Record<string, unknown>;
      return Object.keys(rest).length > 0 ? [{ ...operation, value: rest }] : [];
    }

    return [operation];
  });
}

async function listUsers(ctx: ScimContext, params: ListParams): Promise<ScimReply> {
  const { totalResults, rows } = await ctx.directory.users(ctx.tenant.id, params);
  const resources = rows.map((user) => present(user, ctx, params));

  return { status: 200, body: listResponse(totalResults, params.startIndex, resources) };
}

export function userHandlers() {
  return {
    list: (req: Request, ctx: ScimContext) =>
      listUsers(ctx, parseListParams(req.query as Record<string, unknown>)),

    search: (req: Request, ctx: ScimContext) => listUsers(ctx, parseListParams(req.body ?? {})),

    /** POST /.search: users first, then groups, paged as one list. */
    async searchAll(req: Request, ctx: ScimContext): Promise<ScimReply> {
      const params = parseListParams(req.body ?? {});
      const users = await ctx.directory.users(ctx.tenant.id, params, ROOT_USER_FILTER_SCHEMA);
      const skip = Math.max(0, params.startIndex - 1 - users.totalResults);
      const room = params.count - users.rows.length;
      const groups = await groupListing(
        ctx,
        { ...params, startIndex: skip + 1, count: room },
        ROOT_GROUP_FILTER_SCHEMA,
      );
      const resources = [
        ...users.rows.map((user) => present(user, ctx, params)),
        ...groups.resources,
      ];
      const total = users.totalResults + groups.totalResults;

      return { status: 200, body: listResponse(total, params.startIndex, resources) };
    },

    async get(req: Request, ctx: ScimContext): Promise<ScimReply> {
      const user = await load(req, ctx);
      const params = parseListParams(req.query as Record<string, unknown>);

      return {
        status: 200,
        body: present(user, ctx, params),
        headers: { ETag: etag(user.version) },
      };
    },

    async create(req: Request, ctx: ScimContext): Promise<ScimReply> {
      const user = await ctx.services.idpSync.provisionUser(ctx.principal, fromScimUser(req.body));

      return reply(201, user, ctx);
    },

    async replace(req: Request, ctx: ScimContext): Promise<ScimReply> {
      assertSameId(req.body, String(req.params.id));
      const user = await ctx.services.idpSync.updateUser(
        ctx.principal,
        String(req.params.id),
        fromScimUser(req.body),
        ifMatchVersion(req),
      );

      return reply(200, user, ctx);
    },

    async patch(req: Request, ctx: ScimContext): Promise<ScimReply> {
      const operations = withoutPassword(parsePatchRequest(req.body));
      const current = await load(req, ctx);
      const { meta: _, ...resource } = toScimUser(current, ctx.baseUrl);
      const patched = applyUserPatch(resource, operations);
      assertSameId(patched, current.id);
      const user = await ctx.services.idpSync.updateUser(
        ctx.principal,
        current.id,
        fromScimUser(patched),
        ifMatchVersion(req) ?? current.version,
      );

      return reply(200, user, ctx);
    },

    async remove(req: Request, ctx: ScimContext): Promise<ScimReply> {
      await ctx.services.idpSync.deprovisionUser(
        ctx.principal,
        String(req.params.id),
        ifMatchVersion(req),
      );

      return { status: 204 };
    },
  };
}
