export {
  type AccessRight,
  type AuthorizationRule,
  ROOT_RULE,
  ROOT_RULE_NAME,
  RuleError,
  type RuleSpec,
  withNewKey,
} from "./auth/rules.ts";
export { ensureRulesFile, readRulesFile, rulesFileIn } from "./auth/rules-file.ts";
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
