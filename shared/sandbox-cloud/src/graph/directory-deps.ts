// What the Graph handlers read and write.
import type { Principals } from "../auth/principals.ts";
import type { ApplicationStore } from "../store/application-store.ts";
import type { ServicePrincipalStore } from "../store/service-principal-store.ts";

export interface DirectoryDeps {
  applications: ApplicationStore;
  servicePrincipals: ServicePrincipalStore;
  /** Only to revoke a deleted identity's tokens. */
  principals: Principals;
  baseUrl: string;
}

export interface GraphRequest {
  method: string;
  url: URL;
  body: Record<string, unknown> | undefined;
}

export function stringArray(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === "string") ? value : undefined;
}
