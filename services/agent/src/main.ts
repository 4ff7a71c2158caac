// The agent as a process: read its settings, perform its scenario, exit with a code that says how it went
// (exit-codes.ts). SIGTERM or SIGINT stops deploying or operating at once; cleanup always runs.
import { withTraceContext } from "@haymaker/cloudevents";
import { ConfigError, configOrExit } from "@haymaker/config";
import { createLogger } from "@haymaker/logging";
import { runAgent } from "./agent.ts";
import { agentConfig } from "./config.ts";
import { EXIT_CODES } from "./exit-codes.ts";
import { OwnSecretError } from "./own-secret.ts";
import { redactorFor } from "./redact.ts";
import { loadScenarioPlan } from "./scenario-plan.ts";

/** `stop` may already be aborted: the launcher listens for signals while the agent's modules load. */
export async function main(stop = new AbortController()): Promise<void> {
  // Listen before anything else: a stop that comes during start-up must still lead to a clean exit.
  let signals = stop.signal.aborted ? 1 : 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      process.stderr.write(`agent: ${signal} received; stopping and cleaning up\n`);
      stop.abort();
    } else {
      process.stderr.write(`agent: ${signal} received again; cleanup is still running\n`);
    }
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);

  const config = configOrExit(() => agentConfig(process.env));
  const redact = redactorFor([config.clientSecret]);
  const plan = await loadScenarioPlan(config).catch((error: unknown) => {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${redact(error.message)}\n`);
    process.exit(EXIT_CODES.badInput);
  });
  const logger = createLogger({ service: "agent", level: config.logLevel });

  let exitCode: number;
  try {
    // The agent's events continue the trace of the deployment that started it (TRACEPARENT, W3C).
    const result = await withTraceContext({ traceparent: process.env.TRACEPARENT }, () =>
      runAgent(config, plan, { stop: stop.signal, logger }),
    );
    exitCode = result.exitCode;
  } catch (error) {
    process.stderr.write(`agent failed: ${redact(String((error as Error)?.message ?? error))}\n`);
    exitCode = exitCodeOfFailure(error);
  }
  process.exit(exitCode);
}

// Key Vault refusing the job's identity its secret is access denied, as a refused sign-in is; a stop that
// came while that refusal was waited out is a stop, before anything was touched.
function exitCodeOfFailure(error: unknown): number {
  if (!(error instanceof OwnSecretError)) return EXIT_CODES.stepFailed;
  if (error.stopped) return EXIT_CODES.stopped;
  return error.accessDenied ? EXIT_CODES.accessDenied : EXIT_CODES.stepFailed;
}
