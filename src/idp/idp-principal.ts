import { type AuditActor, AuditActorType } from '../audit/audit-event.entity';

/** An identity provider acting on a tenant through one of the tenant's SCIM tokens. */
export interface IdpPrincipal {
  tenantId: string;
  tokenId: string;
}

export const idpActor = (principal: IdpPrincipal): AuditActor => ({
  type: AuditActorType.SCIM,
  id: principal.tokenId,
  email: null,
});
