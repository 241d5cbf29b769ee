import {
  Check,
  Entity,
  Enum,
  Index,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  Unique,
} from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { newId } from '../common/ids';
import { Team } from '../team/team.entity';
import { Tenant } from '../tenant/tenant.entity';
import { User } from '../user/user.entity';
import { Resource } from './resource.entity';

export enum ResourceRole {
  ADMIN = 'ADMIN',
  EDITOR = 'EDITOR',
  VIEWER = 'VIEWER',
}

registerEnumType(ResourceRole, { name: 'ResourceRole' });

/** Grants one user or one team (never both) a role on a resource. */
@ObjectType()
@Entity({ tableName: 'resource_collaborator' })
@Check({
  name: 'resource_collaborator_one_subject',
  expression: '("user_id" is null) <> ("team_id" is null)',
})
@Unique({ name: 'resource_collaborator_user_unique', properties: ['tenant', 'resource', 'user'] })
@Unique({ name: 'resource_collaborator_team_unique', properties: ['tenant', 'resource', 'team'] })
@Index({ name: 'resource_collaborator_user_idx', properties: ['tenant', 'user'] })
@Index({ name: 'resource_collaborator_team_idx', properties: ['tenant', 'team'] })
export class ResourceCollaborator {
  [OptionalProps]?: 'createdAt';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Tenant, { deleteRule: 'cascade' })
  tenant!: Tenant;

  @ManyToOne(() => Resource, { deleteRule: 'cascade' })
  resource!: Resource;

  @Field(() => User, { nullable: true })
  @ManyToOne(() => User, { nullable: true, deleteRule: 'cascade' })
  user?: User | null;

  @Field(() => Team, { nullable: true })
  @ManyToOne(() => Team, { nullable: true, deleteRule: 'cascade' })
  team?: Team | null;

  @Field(() => ResourceRole)
  @Enum({ items: () => ResourceRole, nativeEnumName: 'resource_role' })
  role!: ResourceRole;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
