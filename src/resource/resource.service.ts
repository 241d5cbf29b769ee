import type { EntityManager } from '@mikro-orm/postgresql';
import { groupBy } from '../common/group-by';
import { type Page, type PageRequest, toPage } from '../graphql/pagination';
import { Resource } from './resource.entity';
import { ResourceCollaborator } from './resource-collaborator.entity';

export class ResourceService {
  constructor(private readonly em: EntityManager) {}

  async list(tenantId: string, page: PageRequest): Promise<Page<Resource>> {
    const rows = await this.em.find(
      Resource,
      { tenant: tenantId, ...(page.afterId ? { id: { $gt: page.afterId } } : {}) },
      { orderBy: { id: 'asc' }, limit: page.first + 1 },
    );

    return toPage(rows, page.first, () => this.em.count(Resource, { tenant: tenantId }));
  }

  /** The collaborators of many resources at once, with their user or team loaded. */
  async collaboratorsOf(tenantId: string, resourceIds: readonly string[]) {
    const rows = await this.em.find(
      ResourceCollaborator,
      { tenant: tenantId, resource: { $in: [...resourceIds] } },
      { populate: ['user', 'team'], orderBy: { id: 'asc' } },
    );

    return groupBy(rows, (collaborator) => collaborator.resource.id);
  }
}
