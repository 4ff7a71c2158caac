// One way to follow something as Server-Sent Events: poll the projections for what came after the last
// sequence number sent, send each item with its sequence as the event id (so a client that reconnects with
// Last-Event-ID misses nothing and sees nothing twice), a comment line as heartbeat on quiet connections,
// and an `end` event once the thing is over and everything was sent. Polling the projections, not the bus,
// lets any number of gateway replicas serve streams from the one store.
//
// Every stream holds a slot (stream-slots.ts) from its first byte to its end; a caller over a cap is
// answered 429 with Retry-After before anything is streamed.
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import { callerKey } from "../auth/authenticate.ts";
import { apiError } from "../errors.ts";
import type { RouteDeps } from "../gateway-deps.ts";
import { ErrorEnvelopeSchema } from "../openapi/error-schema.ts";
import type { ResponseSpec } from "../openapi/route-spec.ts";
import { DEFAULT_STREAM_LIMITS, STREAM_RETRY_AFTER_SECONDS, type StreamLimits } from "./stream-slots.ts";

export interface StreamSettings extends StreamLimits {
  /** How often to look for new items while there are none. */
  pollMs: number;
  /** How long a connection may go without a byte before a heartbeat comment is sent. */
  heartbeatMs: number;
}

export const DEFAULT_STREAM_SETTINGS: StreamSettings = {
  pollMs: 500,
  heartbeatMs: 15_000,
  ...DEFAULT_STREAM_LIMITS,
};

/** The answer a stream route gives beyond the caps, for its spec. */
export const TOO_MANY_STREAMS: ResponseSpec = {
  description:
    "The caller, or the gateway as a whole, has as many streams open as it allows; retry after Retry-After seconds.",
  schema: ErrorEnvelopeSchema,
  headers: { "Retry-After": "Seconds to wait before opening the stream again." },
};

export interface StreamItem {
  sequence: number;
  event: string;
  data: unknown;
}

export interface FollowSource {
  /** The items after `after`, oldest first; `limit` at most. */
  read(after: number, limit: number): Promise<StreamItem[]>;
  /**
   * Whether nothing more will come, asked before each read: when it says so and the read after it finds
   * nothing new, the stream sends `end` with this data and closes.
   */
  finished(): Promise<{ data: unknown } | undefined>;
}

const BATCH = 500;

/** The Last-Event-ID a reconnecting client sent, when it is one of ours (a sequence number). */
export function lastEventId(c: Context): number | undefined {
  const sent = c.req.header("last-event-id");
  return sent !== undefined && /^\d{1,15}$/.test(sent) ? Number(sent) : undefined;
}

export function followAsSse(
  c: Context,
  deps: Pick<RouteDeps, "streams" | "streamSlots" | "reportError">,
  source: FollowSource,
  start: { after: number; first?: StreamItem[] },
): Response {
  const settings = deps.streams;
  // HEAD gets the stream's head and nothing else: its body would never be read, so a loop started for it
  // would wait on a full buffer for ever, holding its slot.
  if (c.req.method === "HEAD") return c.body(null, 200, { "content-type": "text/event-stream" });
  const slot = deps.streamSlots.take(callerKey(c));
  if ("refused" in slot) {
    c.header("Retry-After", String(STREAM_RETRY_AFTER_SECONDS));
    const { perCaller, total } = deps.streamSlots.limits;
    return apiError(
      c,
      429,
      "TooManyStreams",
      slot.refused === "caller"
        ? `At most ${perCaller} streams may be open at once per caller; close one, or retry in ${STREAM_RETRY_AFTER_SECONDS} s.`
        : `The gateway is serving its ${total} streams; retry in ${STREAM_RETRY_AFTER_SECONDS} s.`,
    );
  }
  return streamSSE(c, async (stream) => {
    let open = true;
    stream.onAbort(() => {
      open = false;
    });
    let after = start.after;
    let quietSince = Date.now();
    const send = async (items: readonly StreamItem[]) => {
      for (const item of items) {
        await stream.writeSSE({
          event: item.event,
          id: String(item.sequence),
          data: JSON.stringify(item.data),
        });
        after = Math.max(after, item.sequence);
      }
      if (items.length > 0) quietSince = Date.now();
    };
    try {
      // Tell browsers' EventSource how soon to reconnect; it sends Last-Event-ID when it does.
      await stream.write(`retry: ${Math.max(1000, settings.pollMs * 2)}\n\n`);
      await send(start.first ?? []);
      while (open) {
        const finished = await source.finished();
        const items = await source.read(after, BATCH);
        await send(items);
        if (items.length === BATCH) continue;
        if (items.length === 0 && finished !== undefined) {
          await stream.writeSSE({ event: "end", data: JSON.stringify(finished.data) });
          return;
        }
        if (Date.now() - quietSince >= settings.heartbeatMs) {
          await stream.write(": heartbeat\n\n");
          quietSince = Date.now();
        }
        await stream.sleep(settings.pollMs);
      }
    } catch (error) {
      // Caught here, not left to Hono, which would send the error's own text to the client.
      if (!open) return;
      deps.reportError(error, c.req.path);
      await stream.writeSSE({
        event: "error",
        data: JSON.stringify({ message: "The stream failed; reconnect to resume where it stopped." }),
      });
    } finally {
      slot.release();
    }
  });
}
