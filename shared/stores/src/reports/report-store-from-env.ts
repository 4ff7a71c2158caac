// Where reports are kept, from the environment: Blob Storage when HAYMAKER_REPORTS_CONNECTION_STRING (an
// account key or SAS connection string; Azurite's dev account locally) or HAYMAKER_REPORTS_BLOB_ENDPOINT
// (signed in with DefaultAzureCredential, e.g. a job's managed identity) is set, in the container
// HAYMAKER_REPORTS_CONTAINER (default "reports"); otherwise files under the service's data directory.
import { DefaultAzureCredential } from "@azure/identity";
import { BlobServiceClient } from "@azure/storage-blob";
import { ConfigError, parseEnv } from "@haymaker/config";
import * as v from "valibot";
import { refsUnderAreValid, withoutQuery } from "./blob-container.ts";
import { BlobReportStore } from "./blob-report-store.ts";
import { FileReportStore } from "./file-report-store.ts";
import type { ReportStore } from "./report-store.ts";

export const DEFAULT_REPORTS_CONTAINER = "reports";

const CONNECTION_STRING = "HAYMAKER_REPORTS_CONNECTION_STRING";
const BLOB_ENDPOINT = "HAYMAKER_REPORTS_BLOB_ENDPOINT";
const CONTAINER = "HAYMAKER_REPORTS_CONTAINER";

/** The Blob endpoint a connection string names, or undefined when the SDK cannot read it. */
function endpointOfConnectionString(connectionString: string): URL | undefined {
  try {
    return withoutQuery(BlobServiceClient.fromConnectionString(connectionString).url);
  } catch {
    // The SDK's message may quote the string, which holds a key: say only that it is unusable.
    return undefined;
  }
}

const NOT_EMPTY = "must not be empty; unset it to keep reports under the data directory";
const HTTPS_ONLY = "its Blob endpoint must be https (plain http only on 127.0.0.1, for Azurite)";

const ReportsEnv = v.object({
  [CONNECTION_STRING]: v.optional(
    v.pipe(
      v.string(),
      v.minLength(1, NOT_EMPTY),
      v.check(
        (value) => endpointOfConnectionString(value) !== undefined,
        "is not a storage connection string: give AccountName and AccountKey (or BlobEndpoint and SharedAccessSignature), or UseDevelopmentStorage=true",
      ),
      v.check((value) => {
        const endpoint = endpointOfConnectionString(value);
        return endpoint !== undefined && refsUnderAreValid(endpoint);
      }, HTTPS_ONLY),
    ),
  ),
  [BLOB_ENDPOINT]: v.optional(
    v.pipe(
      v.string(),
      v.minLength(1, NOT_EMPTY),
      v.check((value) => {
        const endpoint = URL.canParse(value) ? new URL(value) : undefined;
        return (
          endpoint?.protocol === "https:" &&
          endpoint.search === "" &&
          endpoint.hash === "" &&
          endpoint.username === "" &&
          endpoint.password === "" &&
          refsUnderAreValid(endpoint)
        );
      }, "must be the storage account's Blob endpoint, such as https://<account>.blob.core.windows.net (https, no query: sign-in is with Microsoft Entra ID, role Storage Blob Data Contributor)"),
    ),
  ),
  // https://learn.microsoft.com/rest/api/storageservices/naming-and-referencing-containers--blobs--and-metadata
  [CONTAINER]: v.optional(
    v.pipe(
      v.string(),
      v.regex(
        /^(?=.{3,63}$)[a-z0-9]+(?:-[a-z0-9]+)*$/,
        "must be a container name: 3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit",
      ),
    ),
    DEFAULT_REPORTS_CONTAINER,
  ),
});

/**
 * The report store the environment asks for (see the top of this file); with neither Blob variable set,
 * FileReportStore under `dataDirectory`. Throws ConfigError naming every variable at fault at once and
 * never echoing a value (a connection string holds a key). The container is created on first use if it
 * is missing and the identity may create it.
 */
export function reportStoreFromEnv(
  env: Record<string, string | undefined>,
  service: string,
  dataDirectory: string,
): ReportStore {
  const problems: string[] = [];
  let parsed: v.InferOutput<typeof ReportsEnv> | undefined;
  try {
    parsed = parseEnv(service, ReportsEnv, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  const byConnectionString = env[CONNECTION_STRING] !== undefined;
  const byEndpoint = env[BLOB_ENDPOINT] !== undefined;
  if (byConnectionString && byEndpoint) {
    problems.push(
      `${CONNECTION_STRING}, ${BLOB_ENDPOINT}: set one, not both (a connection string signs in with its key, an endpoint with Microsoft Entra ID)`,
    );
  }
  if (!byConnectionString && !byEndpoint && env[CONTAINER] !== undefined) {
    problems.push(
      `${CONTAINER}: set ${CONNECTION_STRING} or ${BLOB_ENDPOINT} too, or unset it to keep reports under the data directory`,
    );
  }
  if (parsed === undefined || problems.length > 0) throw new ConfigError(service, problems);

  const connectionString = parsed[CONNECTION_STRING];
  const endpoint = parsed[BLOB_ENDPOINT];
  if (connectionString !== undefined) {
    return new BlobReportStore(
      BlobServiceClient.fromConnectionString(connectionString).getContainerClient(parsed[CONTAINER]),
    );
  }
  if (endpoint !== undefined) {
    return new BlobReportStore(
      new BlobServiceClient(endpoint, new DefaultAzureCredential()).getContainerClient(parsed[CONTAINER]),
    );
  }
  return new FileReportStore(dataDirectory);
}
