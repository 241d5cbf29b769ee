import { Field, ID, InputType } from 'type-graphql';
import { ConnectionType } from '../graphql/pagination';
import { TenantRole, User, UserStatus } from './user.entity';

@InputType()
export class UserFilter {
  @Field(() => UserStatus, { nullable: true })
  status?: UserStatus | null;

  @Field(() => TenantRole, { nullable: true })
  role?: TenantRole | null;

  @Field(() => ID, { nullable: true, description: 'Only members of this team.' })
  teamId?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'A prefix of the email or display name, matched ignoring case.',
  })
  search?: string | null;
}

export const UserConnection = ConnectionType(User, 'User');
