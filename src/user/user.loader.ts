import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { User } from './user.entity';

export function createUserLoaders(em: EntityManager, tenantId: () => string) {
  return {
    userById: new DataLoader<string, User | null>(async (ids) => {
      const users = await em.find(User, { tenant: tenantId(), id: { $in: [...ids] } });
      const byId = new Map(users.map((user) => [user.id, user]));

      return ids.map((id) => byId.get(id) ?? null);
    }),
  };
}
