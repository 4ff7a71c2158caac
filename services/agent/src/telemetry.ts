// The agent's events on the agent-telemetry topic (agent.log, agent.progress, agent.resource.created and
// .deleted). They are queued and published in batches, every second or when enough are waiting, and close()
// publishes whatever is left before the agent exits. Each event is also a line on standard output, so a
// container's own log tells the same story when the bus cannot be reached.
import { newEvent } from "@haymaker/cloudevents";
import {
  type AgentProgressData,
  type EventDataInput,
  type EventName,
  type HayMakerEvent,
  looksLikeSecret,
} from "@haymaker/contracts";
import type { Logger } from "@haymaker/logging";
import { sleep } from "./clock.ts";
import type { Redactor } from "./redact.ts";

export const SOURCE = "/haymaker/agent";

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, string | number | boolean | null>;

export interface AgentKey {
  runId: string;
  agentId: string;
  scenarioId: string;
}

export interface EventSink {
  publishAll(events: readonly HayMakerEvent[]): Promise<void>;
  close(): Promise<void>;
}

export interface TelemetryOptions {
  sink: EventSink;
  agent: AgentKey;
  logger: Logger;
  redact: Redactor;
  flushIntervalMs?: number;
  /** Publish at once when this many events wait. */
  batchSize?: number;
  /** Attempts to publish what is left when closing. */
  closeAttempts?: number;
  /** The longest close() waits for the bus before giving up on what is left. */
  closeBudgetMs?: number;
}

// The limits of the agent.log schema (contracts/src/events/telemetry.ts).
const MAX_MESSAGE = 4096;
const MAX_FIELD_VALUE = 1024;
const MAX_FIELDS = 32;
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it removes.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;
// Fields and progress messages are single lines: newlines and tabs go too.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it removes.
const CONTROL_OR_BREAK = /[\u0000-\u001f\u007f]/g;

/** The schemas refuse text that looks like a credential; the agent never sends it, nor prints it. */
function withheldIfSecret(text: string): string {
  return looksLikeSecret(text) ? "log line withheld: it looked like a secret" : text;
}

export class Telemetry {
  readonly #sink: EventSink;
  readonly #agent: AgentKey;
  readonly #logger: Logger;
  readonly #redact: Redactor;
  readonly #batchSize: number;
  readonly #closeAttempts: number;
  readonly #closeBudgetMs: number;
  readonly #timer: NodeJS.Timeout;
  #queue: HayMakerEvent[] = [];
  #flushing: Promise<void> = Promise.resolve();
  #failing = false;
  #inFlight = 0;
  #published = 0;

  constructor(options: TelemetryOptions) {
    this.#sink = options.sink;
    this.#agent = options.agent;
    this.#logger = options.logger;
    this.#redact = options.redact;
    this.#batchSize = options.batchSize ?? 100;
    this.#closeAttempts = options.closeAttempts ?? 5;
    this.#closeBudgetMs = options.closeBudgetMs ?? 20_000;
    this.#timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 1_000);
    this.#timer.unref();
  }

  log(level: LogLevel, message: string, fields: LogFields = {}): void {
    // The same line goes to standard output and to the bus, so it is cleaned once, for both.
    const cleanMessage = withheldIfSecret(this.#clean(message, MAX_MESSAGE)) || "(no message)";
    const cleanFields = this.#cleanFields(fields);
    this.#logger[level](cleanFields, cleanMessage);
    const at = new Date().toISOString();
    if (this.#enqueue("agent.log", { ...this.#agent, level, message: cleanMessage, at, fields: cleanFields }))
      return;
    // Anything else the schema refuses: say so rather than drop the line silently.
    this.#enqueue("agent.log", {
      ...this.#agent,
      level,
      message: "log line withheld: the event schema refused it",
      at,
    });
  }

  progress(data: Omit<AgentProgressData, keyof AgentKey>): void {
    const message = data.message === undefined ? undefined : this.#clean(data.message, MAX_FIELD_VALUE);
    const progress = { ...this.#agent, ...data, ...(message ? { message } : {}) };
    this.#logger.debug({ event: "agent.progress", ...progress }, "progress");
    this.#enqueue("agent.progress", progress);
  }

  resourceCreated(resourceId: string, resourceType: string): void {
    this.#resource("agent.resource.created", resourceId, resourceType);
  }

  resourceDeleted(resourceId: string, resourceType: string): void {
    this.#resource("agent.resource.deleted", resourceId, resourceType);
  }

  /** Publishes what is queued. A failed batch goes back to the front of the queue for the next try. */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(async () => {
      const batch = this.#queue;
      if (batch.length === 0) return;
      this.#queue = [];
      this.#inFlight = batch.length;
      try {
        await this.#sink.publishAll(batch);
        this.#published += batch.length;
        this.#failing = false;
      } catch (error) {
        this.#queue = [...batch, ...this.#queue];
        if (!this.#failing) {
          this.#logger.warn(
            {
              error: this.#clean(String((error as Error)?.message ?? error), MAX_FIELD_VALUE),
              queued: this.#queue.length,
            },
            "cannot publish telemetry yet; will retry",
          );
        }
        this.#failing = true;
      } finally {
        this.#inFlight = 0;
      }
    });
    return this.#flushing;
  }

  /**
   * Publishes everything left (retrying a few times), then closes the sink. Returns how many events were
   * lost. An agent must exit within its grace period, so a dead bus gets a bounded wait, not the SDK's minutes.
   */
  async close(): Promise<{ published: number; lost: number }> {
    clearInterval(this.#timer);
    const budget = AbortSignal.timeout(this.#closeBudgetMs);
    const drain = async (): Promise<"drained" | "gave-up"> => {
      for (let attempt = 1; attempt <= this.#closeAttempts; attempt++) {
        await this.flush();
        if (this.#queue.length === 0) return "drained";
        if (attempt < this.#closeAttempts && !(await sleep(500 * attempt, budget))) break;
      }
      return "gave-up";
    };
    const outOfTime = new Promise<"out-of-time">((resolve) =>
      budget.addEventListener("abort", () => resolve("out-of-time"), { once: true }),
    );
    const ending = await Promise.race([drain(), outOfTime]);
    // A batch still in flight when time ran out counts as lost: nobody confirmed it.
    const lost = ending === "drained" ? 0 : this.#queue.length + this.#inFlight;
    if (lost > 0) this.#logger.error({ lost }, "telemetry events could not be published before exit");
    if (ending !== "out-of-time") {
      try {
        await this.#sink.close();
      } catch (error) {
        this.#logger.warn(
          { error: this.#clean(String((error as Error)?.message), MAX_FIELD_VALUE) },
          "closing the bus failed",
        );
      }
    }
    return { published: this.#published, lost };
  }

  #resource(
    name: "agent.resource.created" | "agent.resource.deleted",
    resourceId: string,
    resourceType: string,
  ) {
    const data = { ...this.#agent, resourceId, resourceType, at: new Date().toISOString() };
    this.#logger.debug({ event: name, resourceId, resourceType }, name);
    this.#enqueue(name, data);
  }

  #enqueue<N extends EventName>(name: N, data: EventDataInput<N>): boolean {
    let event: HayMakerEvent;
    try {
      event = newEvent(name, { source: SOURCE, data }) as HayMakerEvent;
    } catch (error) {
      this.#logger.error(
        { event: name, error: this.#clean(String((error as Error)?.message), MAX_FIELD_VALUE) },
        "invalid telemetry event not sent",
      );
      return false;
    }
    this.#queue.push(event);
    if (this.#queue.length >= this.#batchSize) void this.flush();
    return true;
  }

  /** Redacted, without control characters, and cut to `max`; MAX_MESSAGE texts may keep line breaks. */
  #clean(text: string, max: number): string {
    const clean = this.#redact(text).replace(max === MAX_MESSAGE ? CONTROL : CONTROL_OR_BREAK, " ");
    return clean.length <= max ? clean : `${clean.slice(0, max - 1)}…`;
  }

  #cleanFields(fields: LogFields): LogFields {
    const clean: LogFields = {};
    for (const [name, value] of Object.entries(fields).slice(0, MAX_FIELDS)) {
      if (!FIELD_NAME.test(name) || value === undefined) continue;
      if (typeof value === "string") {
        const text = withheldIfSecret(this.#clean(value, MAX_FIELD_VALUE));
        if (text !== "") clean[name] = text;
      } else if (typeof value !== "number" || Number.isFinite(value)) clean[name] = value;
    }
    return clean;
  }
}
