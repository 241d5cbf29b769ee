import {
  Entity,
  Index,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  Unique,
} from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { newId } from '../common/ids';
import { Tenant } from '../tenant/tenant.entity';
import { User } from '../user/user.entity';
import { Team } from './team.entity';

@ObjectType()
@Entity({ tableName: 'team_membership' })
@Unique({ name: 'team_membership_unique', properties: ['tenant', 'team', 'user'] })
@Index({ name: 'team_membership_user_idx', properties: ['tenant', 'user'] })
export class TeamMembership {
  [OptionalProps]?: 'isManager' | 'createdAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Tenant, { deleteRule: 'cascade' })
  tenant!: Tenant;

  @Field(() => Team)
  @ManyToOne(() => Team, { deleteRule: 'cascade' })
  team!: Team;

  @ManyToOne(() => User, { deleteRule: 'cascade' })
  user!: User;

  @Field(() => Boolean)
  @Property({ type: 'boolean' })
  isManager = false;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
