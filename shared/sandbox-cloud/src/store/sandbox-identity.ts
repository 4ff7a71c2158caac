// The tenant and subscription the sandbox impersonates. Generated once and kept in the database, so a
// restart on the same data directory answers to the same ids (and the credentials and resource ids that
// callers saved keep working).
import { randomUUID } from "node:crypto";
import type { DatabaseSync } from "node:sqlite";
import { isGuid } from "../arm/naming.ts";

export interface SandboxIdentity {
  tenantId: string;
  subscriptionId: string;
}

const keys = { tenantId: "tenant_id", subscriptionId: "subscription_id" } as const;

export function loadIdentity(db: DatabaseSync, requested: Partial<SandboxIdentity>): SandboxIdentity {
  const resolve = (field: keyof SandboxIdentity): string => {
    const stored = db.prepare("SELECT value FROM meta WHERE key = ?").get(keys[field]) as
      | { value: string }
      | undefined;
    const wanted = requested[field];
    // ARM answers 400 InvalidSubscriptionId for anything else, so no other id could ever be served.
    if (wanted !== undefined && !isGuid(wanted)) {
      throw new Error(`startSandboxCloud: ${field} '${wanted}' must be a GUID.`);
    }
    // Switching ids on an existing data directory would silently orphan everything stored under the
    // old ones; refuse instead of guessing.
    if (stored !== undefined && wanted !== undefined && stored.value.toLowerCase() !== wanted.toLowerCase()) {
      throw new Error(
        `startSandboxCloud: the data directory belongs to ${field} '${stored.value}', not '${wanted}'.`,
      );
    }
    const value = stored?.value ?? wanted ?? randomUUID();
    db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)").run(keys[field], value);
    return value;
  };
  return { tenantId: resolve("tenantId"), subscriptionId: resolve("subscriptionId") };
}
