// Follows an agent's log over Server-Sent Events: `event: log` (id: the line's sequence, data: the line),
// `: heartbeat` comments while it is quiet, and `event: end` once the agent is done and every line was
// sent. A dropped connection is reopened with Last-Event-ID, after a growing pause, a few times in a row;
// lines at or below the last sequence seen are skipped, so none is printed twice.
import { createParser, type EventSourceMessage } from "eventsource-parser";
import type { AgentRef } from "./agent-ref.ts";
import { agentPath } from "./agent-ref.ts";
import { CliError, EXIT } from "./cli-error.ts";
import type { GatewayClient } from "./gateway-client.ts";

export interface LogRecord {
  runId: string;
  agentId: string;
  scenarioId: string;
  sequence: number;
  level: string;
  message: string;
  at: string;
  fields?: Record<string, unknown>;
}

export interface LogEnd {
  stage: string;
  outcome?: string;
}

export interface FollowOptions {
  tail?: string | undefined;
  onLine(line: LogRecord): void;
  /** Told before each reconnection, with the attempt number and the pause before it. */
  onReconnect?(attempt: number, delayMs: number): void;
}

/** Reconnections in a row (without a line or heartbeat between them) before giving up. */
export const MAX_RECONNECTS = 5;
const FIRST_DELAY_MS = 250;
/** Heartbeats come every few seconds; this long without a byte means the connection is dead. */
const IDLE_TIMEOUT_MS = 30_000;

export async function followLog(
  client: GatewayClient,
  ref: AgentRef,
  options: FollowOptions,
): Promise<LogEnd> {
  let lastSequence = 0;
  let lastEventId: string | undefined;
  let attempt = 0;
  for (;;) {
    let end: LogEnd | undefined;
    let heard = false;
    const parser = createParser({
      onEvent(event: EventSourceMessage) {
        heard = true;
        if (event.event === "log") {
          const line = parseData(event.data, "log") as LogRecord;
          if (event.id) lastEventId = event.id;
          if (line.sequence <= lastSequence) return;
          lastSequence = line.sequence;
          lastEventId = event.id || `${line.sequence}`;
          options.onLine(line);
        } else if (event.event === "end") {
          end = parseData(event.data, "end") as LogEnd;
        }
      },
      onComment() {
        heard = true;
      },
    });
    try {
      await readStream(client, ref, {
        query: { follow: "true", ...(lastEventId === undefined ? { tail: options.tail } : {}) },
        lastEventId,
        feed: (chunk) => {
          parser.feed(chunk);
          return end !== undefined;
        },
      });
    } catch (error) {
      // The gateway refused (bad key, no such agent, bad query): reconnecting would not change that. No
      // answer at all, a 5xx or a connection cut mid-stream (not a CliError) is worth another try.
      if (error instanceof CliError && !retryable(error)) throw error;
    }
    if (end !== undefined) return end;
    attempt = heard ? 1 : attempt + 1;
    if (attempt > MAX_RECONNECTS) {
      throw new CliError(
        `lost the log stream of ${ref.runId}.${ref.agentId} and could not reconnect after ${MAX_RECONNECTS} tries`,
        EXIT.failure,
      );
    }
    const delay = FIRST_DELAY_MS * 2 ** (attempt - 1);
    options.onReconnect?.(attempt, delay);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/** Reads one connection until it ends, `feed` says it is done, or it goes quiet for too long. */
async function readStream(
  client: GatewayClient,
  ref: AgentRef,
  request: {
    query: Record<string, string | undefined>;
    lastEventId: string | undefined;
    feed(chunk: string): boolean;
  },
): Promise<void> {
  const abort = new AbortController();
  let idle = setTimeout(() => abort.abort(), IDLE_TIMEOUT_MS);
  try {
    const response = await client.open(`${agentPath(ref)}/logs`, {
      query: request.query,
      headers: {
        accept: "text/event-stream",
        ...(request.lastEventId === undefined ? {} : { "last-event-id": request.lastEventId }),
      },
      signal: abort.signal,
    });
    if (response.body === null) return;
    const decoder = new TextDecoder();
    for await (const bytes of response.body) {
      clearTimeout(idle);
      idle = setTimeout(() => abort.abort(), IDLE_TIMEOUT_MS);
      // Leaving the loop cancels the stream, which closes the connection.
      if (request.feed(decoder.decode(bytes, { stream: true }))) return;
    }
  } finally {
    clearTimeout(idle);
  }
}

/** No answer at all (no status, no code) or a 5xx; not a refusal, nor a stream that makes no sense. */
const retryable = (error: CliError) =>
  error.status === undefined ? error.code === undefined : error.status >= 500;

function parseData(data: string, event: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    throw new CliError(
      `the gateway sent a "${event}" event whose data is not JSON`,
      EXIT.failure,
      "InvalidLogStream",
    );
  }
}
