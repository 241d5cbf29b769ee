import { Arg, Args, Authorized, Ctx, Field, ID, InputType, Query, Resolver } from 'type-graphql';
import { type GraphQLContext, requireActor } from '../graphql/context';
import { ConnectionType, PageArgs, pageRequest } from '../graphql/pagination';
import { AuditEvent } from './audit-event.entity';

@InputType()
export class AuditEventFilter {
  @Field(() => String, { nullable: true, description: 'Exact action, e.g. user.deactivated.' })
  action?: string | null;

  @Field(() => ID, { nullable: true })
  actorId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Events that name this id among targets.' })
  targetId?: string | null;

  @Field(() => Date, { nullable: true, description: 'Inclusive.' })
  since?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Exclusive.' })
  until?: Date | null;
}

const AuditEventConnection = ConnectionType(AuditEvent, 'AuditEvent');

@Resolver()
export class AuditResolver {
  @Authorized()
  @Query(() => AuditEventConnection, {
    description: 'Newest first. Admins see every event; members see the events they caused.',
  })
  async auditEvents(
    @Args(() => PageArgs) args: PageArgs,
    @Arg('filter', () => AuditEventFilter, { nullable: true }) filter: AuditEventFilter | null,
    @Ctx() ctx: GraphQLContext,
  ) {
    const page = await ctx.services.audit.list(requireActor(ctx), pageRequest(args), filter ?? {});

    return AuditEventConnection.from(page);
  }
}
