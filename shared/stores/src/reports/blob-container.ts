import type { ContainerClient } from "@azure/storage-blob";
import { ReportRefSchema } from "@haymaker/contracts";
import * as v from "valibot";

/**
 * Makes sure the reports container exists. In Azure the Bicep template creates it and the services'
 * identities hold data roles scoped to it, which do not let them create it: Create Container then answers
 * 403 (AuthorizationPermissionMismatch) although the container is there. So after a 403 the container only
 * has to be readable; if even its properties are refused (a SAS for blobs only), the blob operations will
 * say whether it is missing. A 409 (it already exists) is what createIfNotExists already accepts.
 */
export async function ensureContainer(container: ContainerClient): Promise<void> {
  try {
    await container.createIfNotExists();
    return;
  } catch (error) {
    if (statusCodeOf(error) !== 403) throw error;
  }
  let exists: boolean;
  try {
    exists = await container.exists();
  } catch (error) {
    if (statusCodeOf(error) === 403) return;
    throw error;
  }
  if (!exists) throw new ContainerMissingError(container);
}

/** The reports container is not there, and this identity may not create it. */
export class ContainerMissingError extends Error {
  override readonly name = "ContainerMissingError";

  constructor(container: ContainerClient) {
    super(
      `the reports container ${withoutQuery(container.url).href} does not exist and this identity may not create it: ` +
        "deploy it (the Bicep template creates it) or grant the identity Storage Blob Data Contributor on the account",
    );
  }
}

/** A ContainerMissingError for the service's "container not found", so it is not read as a missing blob. */
export function throwIfContainerMissing(error: unknown, container: ContainerClient): void {
  if (
    statusCodeOf(error) === 404 &&
    typeof error === "object" &&
    error !== null &&
    "code" in error &&
    error.code === "ContainerNotFound"
  ) {
    throw new ContainerMissingError(container);
  }
}

/** The HTTP status of an SDK error (RestError), if it has one. */
export function statusCodeOf(error: unknown): number | undefined {
  return typeof error === "object" && error !== null && "statusCode" in error
    ? (error.statusCode as number | undefined)
    : undefined;
}

/** A client's URL without its query: a SAS there is a credential, never to be logged or referenced. */
export function withoutQuery(url: string): URL {
  const parsed = new URL(url);
  parsed.search = "";
  parsed.hash = "";
  return parsed;
}

/**
 * Whether blobs under `base` (an account endpoint or a container URL) have URLs that are valid report refs
 * (contracts' ReportRefSchema): https, or plain http on 127.0.0.1 for Azurite.
 */
export function refsUnderAreValid(base: URL): boolean {
  return v.is(ReportRefSchema, `${base.href.replace(/\/$/, "")}/c/run-a/report.json`);
}
