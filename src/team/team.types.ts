import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { UserError } from '../graphql/user-error';
import { Team } from './team.entity';

const NAME_RULE = '1 to 36 characters of letters, digits, "_" and "-"; unique ignoring case.';

@InputType()
export class CreateTeamInput {
  @Field(() => String, { description: NAME_RULE })
  name!: string;

  @Field(() => String, { nullable: true, description: 'At most 1000 characters.' })
  description?: string | null;
}

@InputType()
export class UpdateTeamInput {
  @Field(() => ID)
  teamId!: string;

  @Field(() => String, { nullable: true, description: `Leave out to keep. ${NAME_RULE}` })
  name?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Leave out to keep; null or an empty string clears it.',
  })
  description?: string | null;
}

@InputType()
export class DeleteTeamInput {
  @Field(() => ID)
  teamId!: string;
}

@InputType()
export class AddTeamMembersInput {
  @Field(() => ID)
  teamId!: string;

  @Field(() => [ID], { description: '1 to 100 users of the tenant who are not DEACTIVATED.' })
  userIds!: string[];

  @Field(() => Boolean, {
    defaultValue: false,
    description: 'Make them managers too (ADMIN only). False never demotes a manager.',
  })
  asManagers = false;
}

@InputType()
export class RemoveTeamMembersInput {
  @Field(() => ID)
  teamId!: string;

  @Field(() => [ID], { description: '1 to 100 users; users who are not members are skipped.' })
  userIds!: string[];
}

/** The fields every team mutation's payload shares; each mutation names its own payload type. */
@ObjectType()
abstract class TeamPayload {
  @Field(() => Team, { nullable: true })
  team?: Team | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@ObjectType()
export class CreateTeamPayload extends TeamPayload {}

@ObjectType()
export class UpdateTeamPayload extends TeamPayload {}

@ObjectType()
export class AddTeamMembersPayload extends TeamPayload {}

@ObjectType()
export class RemoveTeamMembersPayload extends TeamPayload {}

@ObjectType()
export class DeleteTeamPayload {
  @Field(() => ID, { nullable: true })
  deletedTeamId?: string | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}
