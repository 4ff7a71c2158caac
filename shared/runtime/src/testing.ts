// The AgentRuntime contract suite, for every adapter's tests. A separate entry point because it imports
// vitest, which production images do not install.
export {
  type AgentRuntimeHarness,
  describeAgentRuntimeContract,
  TEST_AGENT,
} from "./agent-runtime-contract.ts";
