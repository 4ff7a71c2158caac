// One phase's process: the wiring every phase's main.ts needs (bus client, publisher, one consumer per
// subscription the topology gives the phase, accepting exactly the event types the topology routes to it,
// and an orderly shutdown), run either as a resident service or as one job execution.
//
// Job execution (Container Apps event-triggered job): receive and handle what is queued; once no handler
// has run for the idle window, stop receiving, let in-flight handlers finish and settle their messages
// (complete, abandon or dead-letter, by the consumer's rules), close everything and resolve, so the process
// exits 0 with nothing left locked. Locks are renewed while a handler runs (consume's
// maxAutoLockRenewalDurationInMs), bounded by maxLockRenewalMs, which should stay inside the job's replica
// timeout.

import { configOrExit } from "@haymaker/config";
import {
  type CONSUMERS,
  type ConsumerService,
  type EventName,
  type EventOf,
  eventNameOf,
  subscriptionsOf,
} from "@haymaker/contracts";
import { createLogger, type Logger } from "@haymaker/logging";
import { type BusConnection, createBusClient } from "./connection.ts";
import { consume, type EventHandler, type RunningConsumer } from "./consumer.ts";
import { EventPublisher } from "./publisher.ts";
import { type RunMode, runModeFrom } from "./run-mode.ts";

/** The event names the topology routes to a phase. */
export type ConsumedBy<S extends ConsumerService> =
  (typeof CONSUMERS)[S]["consumes"] extends readonly (infer N)[] ? N & EventName : EventName;

/** One handler for every event the phase takes, or one per event type. */
export type PhaseHandlers<S extends ConsumerService> =
  | EventHandler<EventOf<ConsumedBy<S>>>
  | { [N in ConsumedBy<S>]: EventHandler<EventOf<N>> };

export interface PhaseConfig {
  bus: BusConnection;
  logLevel: string;
  /** Messages handled at once per subscription (consume's default when absent). */
  concurrency?: number;
}

export interface PhaseOptions<S extends ConsumerService> {
  phase: S;
  config: PhaseConfig;
  /** Builds the handlers once the publisher exists (handlers publish what comes next). */
  handlers: (tools: { publisher: EventPublisher; logger: Logger }) => PhaseHandlers<S>;
  /** Closed after every consumer has stopped and settled, in order (stores, ledgers). */
  close?: readonly (() => unknown)[];
  /** Fields for the "<phase> is running" line. */
  startFields?: Record<string, unknown>;
  /** Resident or job; by default from `--until-idle` / HAYMAKER_UNTIL_IDLE (see run-mode.ts). */
  mode?: RunMode;
  /** Stop on SIGTERM/SIGINT (default true; tests turn it off). */
  handleSignals?: boolean;
  /** How long a running handler's locks are renewed (consume's default when absent). */
  maxLockRenewalMs?: number;
  /** Backoff before a failed message is abandoned (consume's defaults when absent). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  logger?: Logger;
}

export interface RunningPhase {
  mode: RunMode;
  /** Stops receiving, lets handlers finish and settle, closes everything. Idempotent. */
  stop(): Promise<void>;
  /** Settles once the phase has stopped and everything is closed (job mode: after the idle window). */
  stopped: Promise<void>;
}

/** How often job mode looks whether the idle window has passed. */
const IDLE_POLL_MS = 250;

/**
 * The handler for each event type the topology routes to the phase, resolved up front so that a missing
 * one fails the start rather than a message.
 */
function handlersByType<S extends ConsumerService>(
  phase: S,
  handlers: PhaseHandlers<S>,
): Map<string, EventHandler<never>> {
  const byType = new Map<string, EventHandler<never>>();
  for (const subscription of subscriptionsOf(phase)) {
    for (const type of subscription.eventTypes) {
      const name = eventNameOf(type);
      const handler =
        typeof handlers === "function"
          ? handlers
          : (handlers as Record<string, EventHandler<never> | undefined>)[name];
      if (handler === undefined) {
        throw new Error(`${phase} has no handler for ${name}, which the topology routes to it`);
      }
      byType.set(type, handler as EventHandler<never>);
    }
  }
  return byType;
}

export function startPhase<S extends ConsumerService>(options: PhaseOptions<S>): RunningPhase {
  const { phase, config } = options;
  const mode = options.mode ?? runModeFrom(phase, process.argv.slice(2), process.env);
  const logger = options.logger ?? createLogger({ service: phase, level: config.logLevel });
  const client = createBusClient(config.bus);
  const publisher = new EventPublisher(client);
  let byType: Map<string, EventHandler<never>>;
  try {
    byType = handlersByType(phase, options.handlers({ publisher, logger }));
  } catch (error) {
    // Nothing is received yet: close what was opened so the failed start leaves no connection behind.
    void publisher.close().finally(() => client.close());
    throw error;
  }

  let running = 0;
  let lastActivity = Date.now();
  const consumers: RunningConsumer[] = subscriptionsOf(phase).map((subscription) =>
    consume(client, {
      topic: subscription.topic,
      subscription: subscription.name,
      accepts: subscription.eventTypes.map(eventNameOf),
      concurrency: config.concurrency,
      maxLockRenewalMs: options.maxLockRenewalMs,
      retryBaseMs: options.retryBaseMs,
      retryMaxMs: options.retryMaxMs,
      logger,
      handler: async (event, context) => {
        running += 1;
        lastActivity = Date.now();
        try {
          await (byType.get(event.type) as EventHandler)(event, context);
        } finally {
          running -= 1;
          lastActivity = Date.now();
        }
      },
    }),
  );

  let idleTimer: NodeJS.Timeout | undefined;
  let stopping: Promise<void> | undefined;
  let resolveStopped: () => void = () => undefined;
  let rejectStopped: (error: unknown) => void = () => undefined;
  const stopped = new Promise<void>((resolve, reject) => {
    resolveStopped = resolve;
    rejectStopped = reject;
  });
  const onSignal = () => void stop();
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      clearInterval(idleTimer);
      process.off("SIGTERM", onSignal);
      process.off("SIGINT", onSignal);
      await Promise.all(consumers.map((consumer) => consumer.stop()));
      await publisher.close();
      await client.close();
      for (const close of options.close ?? []) await close();
      logger.info({ mode: mode.kind }, `${phase} stopped`);
    })().then(resolveStopped, (error: unknown) => {
      rejectStopped(error);
      throw error;
    });
    return stopping;
  };
  if (options.handleSignals ?? true) {
    process.once("SIGTERM", onSignal);
    process.once("SIGINT", onSignal);
  }
  if (mode.kind === "job") {
    idleTimer = setInterval(
      () => {
        if (running === 0 && Date.now() - lastActivity >= mode.idleMs) void stop().catch(() => undefined);
      },
      Math.min(IDLE_POLL_MS, mode.idleMs),
    );
  }
  logger.info(
    { ...options.startFields, mode: mode.kind, ...(mode.kind === "job" ? { untilIdleMs: mode.idleMs } : {}) },
    `${phase} is running`,
  );
  return { mode, stop, stopped };
}

/**
 * Runs a phase until it stops (a signal, or in job mode the idle window), then exits 0: the process is the
 * phase. What main.ts calls; tests use startPhase.
 */
export async function runPhase<S extends ConsumerService>(options: PhaseOptions<S>): Promise<never> {
  // A bad --until-idle or HAYMAKER_UNTIL_IDLE is a usage error: named, exit 2, like every other setting.
  const phase = configOrExit(() => startPhase(options));
  await phase.stopped;
  process.exit(0);
}
