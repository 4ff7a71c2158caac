// @haymaker/stores: the secrets and reports ports, their local adapters (files under the data directory)
// and Azure adapters, chosen from the environment by …FromEnv. The contract test suites every adapter
// must pass are in "@haymaker/stores/testing".
export { InsecurePermissionsError, type StoreInput, StoreInputError } from "./errors.ts";
export { type AtomicWriteOptions, writeFileAtomically } from "./files/atomic-write.ts";
export { ContainerMissingError } from "./reports/blob-container.ts";
export { BlobReportStore } from "./reports/blob-report-store.ts";
export { FileReportStore } from "./reports/file-report-store.ts";
export {
  checkReportRef,
  checkRunId,
  REPORT_JSON_FILE,
  REPORT_MARKDOWN_FILE,
  type SerialisedReport,
  serialiseReport,
} from "./reports/report-inputs.ts";
export {
  type ReportContent,
  ReportNotFoundError,
  type ReportRef,
  type ReportRefs,
  type ReportStore,
  type StoredReport,
} from "./reports/report-store.ts";
export { DEFAULT_REPORTS_CONTAINER, reportStoreFromEnv } from "./reports/report-store-from-env.ts";
export { FileSecretStore } from "./secrets/file-secret-store.ts";
export {
  KeyVaultSecretError,
  KeyVaultSecretStore,
  type KeyVaultSecretStoreOptions,
} from "./secrets/key-vault-secret-store.ts";
export {
  checkSecretName,
  checkSecretRef,
  checkSecretValue,
  SECRET_NAME_MAX_LENGTH,
  SECRET_NAME_PATTERN,
  SECRET_VALUE_MAX_BYTES,
} from "./secrets/secret-inputs.ts";
export { SecretNotFoundError, type SecretRef, type SecretStore } from "./secrets/secret-store.ts";
export { keyVaultSecretStore, secretStoreFromEnv } from "./secrets/secret-store-from-env.ts";
