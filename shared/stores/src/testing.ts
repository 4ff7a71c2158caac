// Contract test suites for the store ports: every adapter (local files today, Key Vault and Blob Storage
// later) runs the same suite from its own *.test.ts. A separate entry point because it imports vitest,
// which production images do not install.
export { describeReportStoreContract, type MakeReportStore } from "./reports/report-store-contract.ts";
export { describeSecretStoreContract, type MakeSecretStore } from "./secrets/secret-store-contract.ts";
