/**
 * Membership changes collected across the operations of one Group PATCH. Groups can have many
 * members, so the engine reports deltas for the service to apply instead of a full list.
 */
export class MemberDelta {
  private replacement: Set<string> | null = null;
  private readonly added = new Set<string>();
  private readonly removed = new Set<string>();

  add(ids: readonly string[]): void {
    for (const id of ids) {
      if (this.replacement !== null) {
        this.replacement.add(id);
      } else {
        this.removed.delete(id);
        this.added.add(id);
      }
    }
  }

  remove(ids: readonly string[]): void {
    for (const id of ids) {
      if (this.replacement !== null) {
        this.replacement.delete(id);
      } else {
        this.added.delete(id);
        this.removed.add(id);
      }
    }
  }

  /** A full replacement absorbs earlier deltas; later adds and removes edit the replacement. */
  replace(ids: readonly string[]): void {
    this.replacement = new Set(ids);
    this.added.clear();
    this.removed.clear();
  }

  toResult(): { addMembers: string[]; removeMembers: string[]; replaceMembers: string[] | null } {
    return {
      addMembers: [...this.added],
      removeMembers: [...this.removed],
      replaceMembers: this.replacement === null ? null : [...this.replacement],
    };
  }
}
