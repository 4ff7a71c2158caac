// What one connection has proven: its SASL PLAIN login, if any, and the tokens it put on `$cbs`, one per
// resource (a renewed token replaces the one it renews). Links ask here, when they attach and again when
// the token that let them in runs out.

import type { Grant } from "./access-control.ts";
import type { AccessRight } from "./rules.ts";
import { coversPath } from "./shared-access-signature.ts";

/** More tokens than any SDK puts on one connection (one per entity and link kind); beyond it, a refusal. */
export const MAX_TOKENS_PER_CONNECTION = 1000;

export class ConnectionGrants {
  readonly #byScope = new Map<string, Grant>();

  constructor(login?: Grant) {
    if (login) this.#byScope.set(" login", login);
  }

  /** Keeps a token's grant; false when the connection already holds too many live ones. */
  add(grant: Grant, nowMs: number): boolean {
    for (const [key, held] of this.#byScope) if (held.expiresAtMs <= nowMs) this.#byScope.delete(key);
    const key = grant.scope.join("/");
    if (!this.#byScope.has(key) && this.#byScope.size >= MAX_TOKENS_PER_CONNECTION) return false;
    this.#byScope.set(key, grant);
    return true;
  }

  /**
   * Until when the connection may use `right` on `path` (segments, lower case): the latest expiry among the
   * grants that allow it, or undefined when none does now.
   */
  allowedUntil(path: readonly string[], right: AccessRight | "any", nowMs: number): number | undefined {
    let until: number | undefined;
    for (const grant of this.#byScope.values()) {
      if (grant.expiresAtMs <= nowMs || !coversPath(grant.scope, path)) continue;
      if (right !== "any" && !grant.rights.has(right)) continue;
      until = Math.max(until ?? 0, grant.expiresAtMs);
    }
    return until;
  }
}
