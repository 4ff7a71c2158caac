export {
  type AccessRight,
  type AuthorizationRule,
  generateKey,
  ROOT_RULE_NAME,
  RuleError,
} from "./auth/rules.ts";
export { ensureRulesFile, type RuleSpec, readRulesFile, rulesFileIn } from "./auth/rules-file.ts";
export { createSharedAccessSignature } from "./auth/shared-access-signature.ts";
export {
  type BrokerOptions,
  BrokerOptionsError,
  isLoopback,
  type RunningBroker,
  startBroker,
} from "./broker.ts";
export { ConfigError, loadConfig, parseConfig } from "./config/load-config.ts";
export type { Topology } from "./config/topology.ts";
