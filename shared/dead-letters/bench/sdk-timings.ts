// Where a replay's time goes, seen from outside DeadLetterQueues: a ServiceBusClient whose receivers and
// senders time each SDK call they make (receive, peek, send, complete, …) and count what each call carried.
// Calls of one kind overlap (completes go out all at once), so each kind's share is the wall time during
// which at least one such call was outstanding, not the sum of their latencies.
import type { ServiceBusClient } from "@azure/service-bus";

/** The SDK calls DeadLetterQueues makes on its receivers and senders. */
const TIMED_CALLS = new Set([
  "peekMessages",
  "receiveMessages",
  "completeMessage",
  "abandonMessage",
  "createMessageBatch",
  "sendMessages",
  "close",
]);

export interface CallFigures {
  calls: number;
  /** Wall time with at least one such call outstanding, ms. */
  wallMs: number;
  /** Mean latency of one call, ms. */
  meanMs: number;
  maxMs: number;
  /** For calls that carry messages: how many per call. */
  messages?: { total: number; min: number; mean: number; max: number };
}

interface Call {
  kind: string;
  started: number;
  ended: number;
  carried?: number;
}

const round = (n: number) => Number(n.toFixed(1));

/** The length of the union of the intervals: time with at least one of them open. */
function coveredMs(calls: readonly Call[]): number {
  let covered = 0;
  let openUntil = Number.NEGATIVE_INFINITY;
  for (const call of [...calls].sort((a, b) => a.started - b.started)) {
    if (call.ended <= openUntil) continue;
    covered += call.ended - Math.max(call.started, openUntil);
    openUntil = call.ended;
  }
  return covered;
}

export class SdkTimings {
  readonly #calls: Call[] = [];
  /** Receivers and senders created: each attaches its links (and sends a token) on first use. */
  links = 0;

  async time<T>(
    kindOf: (result: T | undefined) => string,
    call: () => Promise<T>,
    carried: (result: T) => number | undefined,
  ) {
    const started = performance.now();
    let result: T | undefined;
    let succeeded = false;
    try {
      result = await call();
      succeeded = true;
      return result;
    } finally {
      const count = succeeded ? carried(result as T) : undefined;
      this.#calls.push({
        kind: kindOf(result),
        started,
        ended: performance.now(),
        ...(count === undefined ? {} : { carried: count }),
      });
    }
  }

  figures(): Record<string, CallFigures> {
    const byKind = Map.groupBy(this.#calls, (call) => call.kind);
    const figures = [...byKind].map(([kind, calls]): [string, CallFigures] => {
      const latencies = calls.map((c) => c.ended - c.started);
      const counts = calls.flatMap((c) => (c.carried === undefined ? [] : [c.carried]));
      const total = counts.reduce((sum, n) => sum + n, 0);
      return [
        kind,
        {
          calls: calls.length,
          wallMs: round(coveredMs(calls)),
          meanMs: round(latencies.reduce((sum, n) => sum + n, 0) / calls.length),
          maxMs: round(Math.max(...latencies)),
          ...(counts.length === 0
            ? {}
            : {
                messages: {
                  total,
                  min: Math.min(...counts),
                  mean: round(total / counts.length),
                  max: Math.max(...counts),
                },
              }),
        },
      ];
    });
    return Object.fromEntries(figures.sort(([, a], [, b]) => b.wallMs - a.wallMs));
  }

  /** Wall time with any SDK call outstanding; the rest of a replay is the client's own work between calls. */
  wallMsOfAll(): number {
    return round(coveredMs(this.#calls));
  }
}

/** What a call carried: a batch's length, a message batch's count. */
function carriedBy(method: string, args: unknown[], result: unknown): number | undefined {
  if (method === "peekMessages" || method === "receiveMessages") return (result as unknown[]).length;
  if (method === "sendMessages") {
    const sent = args[0] as { count?: number } | unknown[];
    return Array.isArray(sent) ? sent.length : (sent.count ?? 1);
  }
  return undefined;
}

/**
 * Times every call of TIMED_CALLS on `link`. The first call of each method stands apart (it attaches the
 * link it needs, and sends a token first), and so does a receive that came back empty (it waited its whole
 * maxWaitTimeInMs).
 */
function timedLink<T extends object>(link: T, role: "receiver" | "sender", timings: SdkTimings): T {
  const used = new Set<string>();
  return new Proxy(link, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof property !== "string" || typeof value !== "function" || !TIMED_CALLS.has(property))
        return value;
      return (...args: unknown[]) => {
        const first = !used.has(property) && property !== "close";
        used.add(property);
        return timings.time(
          (result) =>
            first
              ? `${role} ${property}, first on its link`
              : property === "receiveMessages" && (result as unknown[] | undefined)?.length === 0
                ? `${role} ${property}, came back empty`
                : `${role} ${property}`,
          () => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args),
          (result) => carriedBy(property, args, result),
        );
      };
    },
  });
}

/** The client, its receivers and senders timed into `timings`. */
export function timedClient(client: ServiceBusClient, timings: SdkTimings): ServiceBusClient {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== "createReceiver" && property !== "createSender") return value;
      return (...args: unknown[]) => {
        timings.links += 1;
        const link = (value as (...a: unknown[]) => object).apply(target, args);
        return timedLink(link, property === "createReceiver" ? "receiver" : "sender", timings);
      };
    },
  });
}
