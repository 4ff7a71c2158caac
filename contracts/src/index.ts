// @haymaker/contracts: HayMaker's event schemas and types, and the bus topology derived from them.

export * from "./azure-refs.ts";
export * from "./cloudevent.ts";
export * from "./documented-schemas.ts";
export * from "./errors.ts";
export * from "./events/agents.ts";
export { EXAMPLE_DATA } from "./events/examples.ts";
export * from "./events/operator.ts";
export * from "./events/registry.ts";
export * from "./events/runs.ts";
export {
  AGENT_OUTCOMES,
  type AgentOutcome,
  MAX_AGENTS_PER_RUN,
  MAX_RESOURCES_PER_AGENT,
} from "./events/shared.ts";
export * from "./events/telemetry.ts";
export * from "./ids.ts";
export * from "./parse-event.ts";
export { type Checked, check as checkInput, describeValue, type Problem } from "./problems.ts";
export * from "./propagation.ts";
export * from "./scenarios/index.ts";
export {
  isFactAboutSecret,
  isSensitiveField,
  looksLikeSecret,
  REDACTED,
  redactSecrets,
} from "./secrets.ts";
export { seededRandom, shuffledWith } from "./seeded-random.ts";
export { PrincipalSchema, RESERVED_TAG_PREFIX, TAG_LIMITS, type Tags, TagsSchema } from "./text.ts";
export * from "./time.ts";
export * from "./topology.ts";
export * from "./topology-documents.ts";
