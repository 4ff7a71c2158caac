// scheduler as a running service. Locally it keeps a cron timer and requests a run at each scheduled time;
// with --once (how an Azure Container Apps scheduled job runs it) it requests the run for the scheduled time
// it serves (the latest at or before its start) and exits.
import { createBusClient, EventPublisher } from "@haymaker/bus";
import { configOrExit } from "@haymaker/config";
import { createLogger, type Logger } from "@haymaker/logging";
import { Cron } from "croner";
import { schedulerConfig } from "./config.ts";
import { scheduledRun } from "./handler.ts";
import { slotServed } from "./slot.ts";

const PUBLISH_ATTEMPTS = 5;

async function requestRun(
  publisher: EventPublisher,
  at: Date,
  config: ReturnType<typeof schedulerConfig>,
  logger: Logger,
): Promise<boolean> {
  const event = scheduledRun(at, config);
  for (let attempt = 1; attempt <= PUBLISH_ATTEMPTS; attempt++) {
    try {
      await publisher.publish(event);
      logger.info({ runId: event.data.runId, size: config.size, duration: config.duration }, "run requested");
      return true;
    } catch (error) {
      logger.warn(
        { runId: event.data.runId, attempt, cause: (error as Error).message },
        "could not request the run; retrying",
      );
      await new Promise((resolve) => setTimeout(resolve, 1000 * 2 ** attempt));
    }
  }
  logger.error({ runId: event.data.runId }, "gave up requesting the run");
  return false;
}

export async function main(argv: string[]): Promise<void> {
  const config = configOrExit(schedulerConfig);
  const logger = createLogger({ service: "scheduler", level: config.logLevel });
  const client = createBusClient(config.bus);
  const publisher = new EventPublisher(client);
  const close = async () => {
    await publisher.close();
    await client.close();
  };

  if (argv.includes("--once")) {
    // Named after the cron slot it serves, not its start: a retried execution requests the same run.
    const ok = await requestRun(publisher, slotServed(config.schedule, new Date()), config, logger);
    await close();
    process.exit(ok ? 0 : 1);
  }

  if (config.schedule === "off") {
    // Runs happen only when an operator asks; the service stays up so the stack's shape is the same.
    logger.info("scheduled runs are off (HAYMAKER_SCHEDULE=off)");
    const idle = setInterval(() => {}, 1 << 30);
    const stopIdle = async () => {
      clearInterval(idle);
      await close();
      process.exit(0);
    };
    process.once("SIGTERM", () => void stopIdle());
    process.once("SIGINT", () => void stopIdle());
    return;
  }

  const job = new Cron(config.schedule, { timezone: "UTC", protect: true }, async (self: Cron) => {
    // The time it was due, not when the timer fired, names the run.
    await requestRun(publisher, self.currentRun() ?? new Date(), config, logger);
  });
  logger.info({ schedule: config.schedule, next: job.nextRun()?.toISOString() }, "scheduler is running");
  const stop = async () => {
    job.stop();
    await close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop());
  process.once("SIGINT", () => void stop());
}
