import DataLoader from 'dataloader';
import type { ResourceService } from './resource.service';
import type { ResourceCollaborator } from './resource-collaborator.entity';

export function createResourceLoaders(resources: ResourceService, tenantId: () => string) {
  return {
    collaboratorsByResource: new DataLoader<string, ResourceCollaborator[]>(async (ids) => {
      const grouped = await resources.collaboratorsOf(tenantId(), ids);

      return ids.map((id) => grouped.get(id) ?? []);
    }),
  };
}
