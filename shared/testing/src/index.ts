// Test helpers for HayMaker's services: the embedded broker with HayMaker's own topology, and a service
// started the way `make run` starts it — as its own process, output captured.
import { type ChildProcess, spawn } from "node:child_process";
import { ServiceBusClient } from "@azure/service-bus";
import { parseConfig, ROOT_RULE, type RunningBroker, startBroker, withNewKey } from "@haymaker/broker";
import { AGENT_TELEMETRY_SEND_RULE, buildEmulatorConfig, toJsonFile, topology } from "@haymaker/contracts";

export interface HayMakerBus {
  broker: RunningBroker;
  /** An SDK client on the broker (its root rule), closed by stop(). */
  client: ServiceBusClient;
  /** The Send-only agent-telemetry connection string the local stack gives deploy for its agents. */
  agentConnectionString: string;
  stop(): Promise<void>;
}

/**
 * An in-memory broker on a free loopback port with every HayMaker topic and subscription, and the local
 * stack's rules: the root one and agent-telemetry's Send-only one, under fresh keys.
 */
export async function startHayMakerBus(): Promise<HayMakerBus> {
  const broker = await startBroker({
    topology: parseConfig(toJsonFile(buildEmulatorConfig(topology))),
    port: 0,
    rules: [ROOT_RULE, AGENT_TELEMETRY_SEND_RULE].map(withNewKey),
  });
  const client = new ServiceBusClient(broker.connectionString);
  return {
    broker,
    client,
    agentConnectionString: broker.connectionStringFor(AGENT_TELEMETRY_SEND_RULE.name),
    async stop() {
      await client.close();
      await broker.close();
    },
  };
}

export interface ServiceProcess {
  child: ChildProcess;
  /** Everything it wrote so far, standard output and error together. */
  output(): string;
  exited: Promise<number | null>;
}

/** Runs a service's bin on this Node, with `env` over the test's own environment. */
export function spawnService(bin: string, args: string[], env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, [bin, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  return { child, output: () => output, exited: new Promise((resolve) => child.once("exit", resolve)) };
}
export { type Azurite, startAzurite } from "./azurite.ts";
export { type CosmosEmulator, startCosmosEmulator } from "./cosmos-emulator.ts";
export { type MachineFacts, machineFacts } from "./machine.ts";
export { type SandboxWithOrchestrator, startSandboxWithOrchestrator } from "./sandbox.ts";
