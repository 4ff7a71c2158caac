// One way to follow something as Server-Sent Events: poll the projections for what came after the last
// sequence number sent, send each item with its sequence as the event id (so a client that reconnects with
// Last-Event-ID misses nothing and sees nothing twice), a comment line as heartbeat on quiet connections,
// and an `end` event once the thing is over and everything was sent. Polling the projections, not the bus,
// lets any number of gateway replicas serve streams from the one store.
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";

export interface StreamSettings {
  /** How often to look for new items while there are none. */
  pollMs: number;
  /** How long a connection may go without a byte before a heartbeat comment is sent. */
  heartbeatMs: number;
}

export const DEFAULT_STREAM_SETTINGS: StreamSettings = { pollMs: 500, heartbeatMs: 15_000 };

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
  settings: StreamSettings,
  source: FollowSource,
  start: { after: number; first?: StreamItem[] },
  log: (error: unknown) => void,
): Response {
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
      log(error);
      await stream.writeSSE({
        event: "error",
        data: JSON.stringify({ message: "The stream failed; reconnect to resume where it stopped." }),
      });
    }
  });
}
