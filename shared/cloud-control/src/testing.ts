// Test helpers for code that uses the cloud-control port. A separate entry point because the contract
// suite imports vitest, which production images do not install.
export { type CloudControlFixture, describeCloudControlContract } from "./testing/cloud-control-contract.ts";
export { InMemoryCloudControl } from "./testing/in-memory-cloud-control.ts";
