// What the Graph handlers read and write.
import type { Principals } from "../auth/principals.ts";
import type { ApplicationStore } from "../store/application-store.ts";
import type { RecycleBinStore } from "../store/recycle-bin-store.ts";
import type { Replication } from "../store/replication-store.ts";
import type { ServicePrincipalStore } from "../store/service-principal-store.ts";

export interface DirectoryDeps {
  applications: ApplicationStore;
  servicePrincipals: ServicePrincipalStore;
  /** Only to revoke a deleted identity's tokens. */
  principals: Principals;
  /** When each new object was written: queries do not see it until the replication delay has passed. */
  replication: Replication;
  /** Creators' counts and soft-deleted objects. */
  recycleBin: RecycleBinStore;
  /** realism.directoryObjectQuota: undefined means deletes are final and nothing is counted. */
  quota: number | undefined;
  /** Who is calling, as a creator: a service principal's object id, else the client id. */
  creator: string;
  baseUrl: string;
}

export interface GraphRequest {
  method: string;
  url: URL;
  body: Record<string, unknown> | undefined;
  /** The Prefer header (`create-if-missing` turns an update by uniqueName into an upsert). */
  prefer: string | undefined;
}

export function stringArray(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === "string") ? value : undefined;
}
