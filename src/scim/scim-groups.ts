import type { Request } from 'express';
import type { Team } from '../team/team.entity';
import { applyGroupPatch, parsePatchRequest } from './patch';
import { listResponse, type ScimContext, type ScimReply } from './scim.router';
import { ScimError } from './scim-error';
import { ifMatchVersion } from './scim-etag';
import { GROUP_FILTER_SCHEMA } from './scim-filter-schemas';
import { fromScimGroup, toScimGroup } from './scim-group.mapper';
import { type ListParams, parseListParams } from './scim-list-params';
import { excludes, project } from './scim-projection';
import { etag } from './scim-user.mapper';

type Projection = Pick<ListParams, 'attributes' | 'excludedAttributes'>;

/**
 * Groups with their members, unless the projection leaves members out: then they are not even
 * read, which is what keeps large groups cheap to list (Entra asks for excludedAttributes=members).
 */
async function present(ctx: ScimContext, teams: Team[], params: Projection) {
  const withMembers = !excludes(params.attributes, params.excludedAttributes, 'members');
  const members = withMembers
    ? await ctx.directory.members(
        ctx.tenant.id,
        teams.map((team) => team.id),
      )
    : undefined;

  return teams.map((team) =>
    project(
      toScimGroup(team, ctx.baseUrl, members ? (members.get(team.id) ?? []) : undefined),
      params.attributes,
      params.excludedAttributes,
      [],
    ),
  );
}

export async function groupListing(
  ctx: ScimContext,
  params: ListParams,
  schema = GROUP_FILTER_SCHEMA,
) {
  if (params.count <= 0) {
    const counted = await ctx.directory.groups(ctx.tenant.id, { ...params, count: 0 }, schema);
    return { totalResults: counted.totalResults, resources: [] };
  }
  const { totalResults, rows } = await ctx.directory.groups(ctx.tenant.id, params, schema);

  return { totalResults, resources: await present(ctx, rows, params) };
}

async function load(req: Request, ctx: ScimContext): Promise<Team> {
  const team = await ctx.directory.group(ctx.tenant.id, String(req.params.id));
  if (!team) throw ScimError.notFound('group', String(req.params.id));

  return team;
}

async function reply(status: number, ctx: ScimContext, team: Team): Promise<ScimReply> {
  const [body] = await present(ctx, [team], { attributes: [], excludedAttributes: [] });

  return {
    status,
    body,
    headers: { ETag: etag(team.version), Location: `${ctx.baseUrl}/Groups/${team.id}` },
  };
}

async function list(ctx: ScimContext, params: ListParams): Promise<ScimReply> {
  const { totalResults, resources } = await groupListing(ctx, params);

  return { status: 200, body: listResponse(totalResults, params.startIndex, resources) };
}

export function groupHandlers() {
  return {
    list: (req: Request, ctx: ScimContext) =>
      list(ctx, parseListParams(req.query as Record<string, unknown>)),

    search: (req: Request, ctx: ScimContext) => list(ctx, parseListParams(req.body ?? {})),

    async get(req: Request, ctx: ScimContext): Promise<ScimReply> {
      const team = await load(req, ctx);
      const [body] = await present(
        ctx,
        [team],
        parseListParams(req.query as Record<string, unknown>),
      );

      return { status: 200, body, headers: { ETag: etag(team.version) } };
    },

    async create(req: Request, ctx: ScimContext): Promise<ScimReply> {
      const team = await ctx.services.idpSync.createGroup(ctx.principal, fromScimGroup(req.body));

      return reply(201, ctx, team);
    },

    async replace(req: Request, ctx: ScimContext): Promise<ScimReply> {
      const sent = (req.body as { id?: unknown } | null)?.id;
      if (sent !== undefined && sent !== String(req.params.id)) {
        throw new ScimError(400, `id is read-only: the body says "${sent}".`, 'mutability');
      }
      const input = fromScimGroup(req.body);
      const team = await ctx.services.idpSync.updateGroup(
        ctx.principal,
        String(req.params.id),
        {
          displayName: input.displayName,
          externalId: input.externalId,
          replaceMembers: input.memberIds,
        },
        ifMatchVersion(req),
      );

      return reply(200, ctx, team);
    },

    /** Answers 204, as Okta and Entra accept, unless the caller asks for attributes back. */
    async patch(req: Request, ctx: ScimContext): Promise<ScimReply> {
      const operations = parsePatchRequest(req.body);
      const current = await load(req, ctx);
      const result = applyGroupPatch(
        { displayName: current.name, externalId: current.externalId ?? null },
        operations,
      );
      const team = await ctx.services.idpSync.updateGroup(
        ctx.principal,
        current.id,
        {
          displayName: result.displayName,
          externalId: result.externalId,
          addMembers: result.addMembers,
          removeMembers: result.removeMembers,
          replaceMembers: result.replaceMembers,
        },
        ifMatchVersion(req),
      );
      if (req.query.attributes === undefined && req.query.excludedAttributes === undefined) {
        return { status: 204, headers: { ETag: etag(team.version) } };
      }
      const [body] = await present(
        ctx,
        [team],
        parseListParams(req.query as Record<string, unknown>),
      );

      return { status: 200, body, headers: { ETag: etag(team.version) } };
    },

    async remove(req: Request, ctx: ScimContext): Promise<ScimReply> {
      await ctx.services.idpSync.deleteGroup(
        ctx.principal,
        String(req.params.id),
        ifMatchVersion(req),
      );

      return { status: 204 };
    },
  };
}
