import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { UserError } from '../graphql/user-error';
import { Resource, ResourceKind } from './resource.entity';
import { ResourceRole } from './resource-collaborator.entity';

@InputType()
export class CreateResourceInput {
  @Field(() => ResourceKind)
  kind!: ResourceKind;

  @Field(() => String, { description: '1 to 200 characters once trimmed.' })
  name!: string;
}

@InputType()
export class AddResourceCollaboratorInput {
  @Field(() => ID)
  resourceId!: string;

  @Field(() => ID, { nullable: true, description: 'Give exactly one of userId and teamId.' })
  userId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Give exactly one of userId and teamId.' })
  teamId?: string | null;

  @Field(() => ResourceRole, { description: 'Replaces the role of an existing collaborator.' })
  role!: ResourceRole;
}

@InputType()
export class RemoveResourceCollaboratorInput {
  @Field(() => ID)
  resourceId!: string;

  @Field(() => ID, { nullable: true, description: 'Give exactly one of userId and teamId.' })
  userId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Give exactly one of userId and teamId.' })
  teamId?: string | null;
}

/** The fields every resource mutation's payload shares; each mutation names its own type. */
@ObjectType()
abstract class ResourcePayload {
  @Field(() => Resource, { nullable: true })
  resource?: Resource | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@ObjectType()
export class CreateResourcePayload extends ResourcePayload {}

@ObjectType()
export class AddResourceCollaboratorPayload extends ResourcePayload {}

@ObjectType()
export class RemoveResourceCollaboratorPayload extends ResourcePayload {}
