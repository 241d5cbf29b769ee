import { DomainError } from '../common/errors';
import { TenantRole } from '../user/user.entity';
import type { Actor } from './actor';

/** Refuses anyone but a tenant ADMIN; `action` completes "You may not …". */
export function requireAdmin(actor: Actor, action: string): void {
  if (actor.role !== TenantRole.ADMIN) {
    throw DomainError.forbidden(action, `the ADMIN role; you are ${actor.role}`);
  }
}
