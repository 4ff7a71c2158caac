// What the agent holds in Azure right now, as far as its own calls tell it. It decides which puts are
// creations (worth an agent.resource.created) and, at the end, what cleanup failed to remove.
import { isTopLevelType } from "./tags.ts";

export interface HeldResource {
  resourceId: string;
  resourceType: string;
}

export class ResourceLedger {
  // Keyed by lower-cased id: ARM ids are case-insensitive.
  readonly #live = new Map<string, HeldResource>();
  // Puts that ended without a definite answer (a timeout, a 5xx after retries): the resource may exist.
  readonly #uncertain = new Map<string, HeldResource>();
  #created = 0;
  #deleted = 0;

  /** Records a successful put. True when the resource was not already held, i.e. this put created it. */
  put(resource: HeldResource): boolean {
    const key = resource.resourceId.toLowerCase();
    this.#uncertain.delete(key);
    if (this.#live.has(key)) return false;
    this.#live.set(key, resource);
    this.#created++;
    return true;
  }

  /** Records a put whose outcome is unknown, so cleanup must confirm the resource gone. */
  putUncertain(resource: HeldResource): void {
    const key = resource.resourceId.toLowerCase();
    if (!this.#live.has(key)) this.#uncertain.set(key, resource);
  }

  /**
   * Records a confirmed delete (or a 404). Returns the held resources that went with it: the resource itself
   * (also when the agent did not know it) and every held resource nested under it, since ARM deletes children
   * with their parent.
   */
  delete(resource: HeldResource): HeldResource[] {
    const key = resource.resourceId.toLowerCase();
    const gone = [resource];
    this.#live.delete(key);
    this.#uncertain.delete(key);
    for (const held of [this.#live, this.#uncertain]) {
      for (const [heldKey, heldResource] of held) {
        if (!heldKey.startsWith(`${key}/`)) continue;
        held.delete(heldKey);
        if (held === this.#live) gone.push(heldResource);
      }
    }
    this.#deleted += gone.length;
    return gone;
  }

  /** Top-level resources that may still exist: created (or possibly created) and never confirmed deleted. */
  remainingTopLevel(): HeldResource[] {
    return [...this.#live.values(), ...this.#uncertain.values()].filter((held) =>
      isTopLevelType(held.resourceType),
    );
  }

  get createdCount(): number {
    return this.#created;
  }

  get deletedCount(): number {
    return this.#deleted;
  }
}
