export { type BrokerOptions, connectionStringFor, type RunningBroker, startBroker } from "./broker.ts";
export { ConfigError, loadConfig, parseConfig } from "./config/load-config.ts";
export type { Topology } from "./config/topology.ts";
