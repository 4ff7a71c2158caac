// The bus contract suites and their test topology, for suites outside this package that run them on
// another namespace (the optional emulator suite runs them on Microsoft's Service Bus emulator). A separate
// entry point because it imports vitest, which production images do not install.
export { type BusUnderTest, busTestConfig } from "./bus-harness.ts";
export { describeConsumerContract } from "./consumer-contract.ts";
export { describePublisherContract } from "./publisher-contract.ts";
