// Wires one agent run: the ARM client for the agent's identity, the bus for its telemetry, the operate window
// from its deadline, then the scenario run itself. main.ts adds the process around it (signals, exit code);
// tests call this in-process.
import { createBusClient, EventPublisher } from "@haymaker/bus";
import type { Logger } from "@haymaker/logging";
import { ArmCaller } from "./arm-caller.ts";
import { createArmClient } from "./arm-client.ts";
import type { AgentConfig, OwnSecretPointer } from "./config.ts";
import { runScenario, type ScenarioRunOptions, type ScenarioRunSummary } from "./handler.ts";
import { readOwnSecret } from "./own-secret.ts";
import { connectionStringKey, redactorFor } from "./redact.ts";
import type { ScenarioPlan } from "./scenario-plan.ts";
import { operateWindow } from "./schedule.ts";
import { Telemetry } from "./telemetry.ts";

export interface AgentRunOptions extends ScenarioRunOptions {
  /** Fires on SIGTERM/SIGINT. */
  stop: AbortSignal;
  logger: Logger;
  /** Epoch ms the agent started; the default cleanup reserve is a share of the time left from here. */
  startedAt?: number;
  /** Waits before retrying a 409 (ArmCaller's defaults otherwise). */
  conflictRetryDelaysMs?: readonly number[];
}

export interface AgentRunResult extends ScenarioRunSummary {
  /** Telemetry events that could not be published before exit. */
  eventsLost: number;
}

export async function runAgent(
  config: AgentConfig,
  plan: ScenarioPlan,
  options: AgentRunOptions,
): Promise<AgentRunResult> {
  const connectionString = "connectionString" in config.bus ? config.bus.connectionString : undefined;
  const busSecrets = [connectionString, connectionStringKey(connectionString)];
  // An agent in Azure learns its secret only after it has started: redaction takes it in from then on.
  let redactKnown = redactorFor([config.clientSecret, ...busSecrets]);
  const redact = (text: string) => redactKnown(text);
  const window = operateWindow(config.deadline, options.startedAt ?? Date.now(), config.cleanupReserveMs);

  // Bounded retries: at exit the agent waits for its last events, but not for minutes on a dead bus.
  const busClient = createBusClient(config.bus, {
    retryOptions: { maxRetries: 3, timeoutInMs: 10_000, retryDelayInMs: 1_000 },
  });
  const publisher = new EventPublisher(busClient);
  const agent = { runId: config.runId, agentId: config.agentId, scenarioId: config.scenarioId };
  const telemetry = new Telemetry({
    sink: {
      publishAll: (events) => publisher.publishAll(events),
      close: async () => {
        await publisher.close();
        await busClient.close();
      },
    },
    agent,
    logger: options.logger,
    redact,
  });

  try {
    let clientSecret = config.clientSecret;
    if (clientSecret === undefined) {
      const pointer = config.ownSecret as OwnSecretPointer;
      clientSecret = await readOwnSecret(pointer, {
        propagationEndsAt: (options.startedAt ?? Date.now()) + config.propagationWindowMs,
        stop: options.stop,
      }).catch((error: unknown) => {
        telemetry.log("error", redact((error as Error).message));
        throw error;
      });
      redactKnown = redactorFor([clientSecret, ...busSecrets]);
    }
    const arm = new ArmCaller({
      client: await createArmClient({ ...config, clientSecret }),
      armEndpoint: config.armEndpoint,
      resourceGroup: config.resourceGroup,
      allowInsecureConnection: config.sandbox,
      // The sandbox finishes every operation before it answers; Azure's are polled at the SDK's pace.
      pollIntervalMs: config.sandbox ? 0 : undefined,
      conflictRetryDelaysMs: options.conflictRetryDelaysMs,
      // Counted from the start: the identity was made just before the agent was started.
      propagationEndsAt: (options.startedAt ?? Date.now()) + config.propagationWindowMs,
    });
    const { scenario } = plan;
    telemetry.log("info", `agent started: ${scenario.id} in resource group ${config.resourceGroup}`, {
      deadline: new Date(config.deadline).toISOString(),
      operateUntil: new Date(window.endsAt).toISOString(),
      cleanupReserveMs: window.cleanupReserveMs,
      deploySteps: scenario.steps.deploy.length,
      operateSteps: scenario.steps.operate.length,
      cleanupSteps: scenario.steps.cleanup.length,
      location: plan.context.location,
      armEndpoint: config.armEndpoint,
    });
    const summary = await runScenario(
      {
        scenario,
        context: plan.context,
        tagOwner: { ...agent, runTags: config.runTags },
        operateEndsAt: window.endsAt,
      },
      { arm, telemetry, stop: options.stop },
      { maxIterations: options.maxIterations, pauseScale: options.pauseScale },
    );
    const { lost } = await telemetry.close();
    return { ...summary, eventsLost: lost };
  } catch (error) {
    await telemetry.close();
    // The caller writes this error out, and only this function knows a secret read from Key Vault.
    if (error instanceof Error) error.message = redact(error.message);
    throw error;
  }
}
