// What the replay benchmark reports per broker, the aim it compares with, and the table it prints. The aim
// is stated and checked, never enforced: a benchmark measures, it does not fail.
import type { ReplayCheck } from "./replay-check.ts";
import type { CallFigures } from "./sdk-timings.ts";

/** Replaying on the embedded broker should reach this many messages per second. */
export const AIM_MESSAGES_PER_SECOND = 1000;

export interface Cpu {
  /** % of one core while timed: the benchmark process (client side). */
  clientPercent: number;
  /** % of one core while timed: the broker process; null where the system does not say. */
  brokerPercent: number | null;
}

export interface TimedReplay {
  seconds: number;
  messagesPerSecond: number;
  replayed: number;
  failed: number;
  errors: string[];
  check: ReplayCheck;
  cpu: Cpu;
}

export interface BrokerResult {
  broker: "durable" | "in-memory";
  /** Publishing and dead-lettering the N messages of one run (not part of any figure). */
  fillSeconds: number;
  list: { seconds: number; lettersPerSecond: number; listed: number };
  /** list() and folding the letters into failure groups, the way the gateway's groups route does. */
  grouping: { seconds: number; groups: number; largestGroup: number };
  /** ReplayOperations.start({ kind: "replay", selection: { group } }) until idle(). */
  operation: TimedReplay & { status: string; startAnsweredSeconds: number };
  /** DeadLetterQueues.replay({ group }) on its own, with every SDK call it makes timed. */
  direct: TimedReplay & {
    sdkCalls: Record<string, CallFigures>;
    sdkWallMs: number;
    ownWorkMs: number;
    links: number;
  };
}

export interface Aim {
  aim: string;
  broker: string;
  measured: number;
  /** Met only by a replay that was exact (everything arrived once, nothing left behind). */
  met: boolean;
}

export function aimsFor(results: readonly BrokerResult[]): Aim[] {
  return results.map((result) => ({
    aim: `replay operation ≥ ${AIM_MESSAGES_PER_SECOND} messages/s`,
    broker: result.broker,
    measured: result.operation.messagesPerSecond,
    met:
      result.operation.messagesPerSecond >= AIM_MESSAGES_PER_SECOND &&
      result.operation.check.problems.length === 0 &&
      result.operation.failed === 0,
  }));
}

function errorsOf(replay: TimedReplay): string {
  const problems = replay.failed + replay.check.problems.length;
  return problems === 0 ? "0" : `${replay.failed} failed; ${replay.check.problems.join("; ") || "check ok"}`;
}

export function table(results: readonly BrokerResult[], aims: readonly Aim[]): string {
  const columns = [
    "broker",
    "measured",
    "messages",
    "seconds",
    "per second",
    "client CPU",
    "broker CPU",
    "errors",
  ];
  const cpu = (c: Cpu) => [`${c.clientPercent}%`, c.brokerPercent === null ? "?" : `${c.brokerPercent}%`];
  const rows = results.flatMap((r) => [
    [
      r.broker,
      "list()",
      String(r.list.listed),
      String(r.list.seconds),
      String(r.list.lettersPerSecond),
      "",
      "",
      "0",
    ],
    [r.broker, "list() + group", String(r.list.listed), String(r.grouping.seconds), "", "", "", "0"],
    [
      r.broker,
      "replay operation",
      String(r.operation.replayed),
      String(r.operation.seconds),
      String(r.operation.messagesPerSecond),
      ...cpu(r.operation.cpu),
      errorsOf(r.operation),
    ],
    [
      r.broker,
      "DeadLetterQueues.replay",
      String(r.direct.replayed),
      String(r.direct.seconds),
      String(r.direct.messagesPerSecond),
      ...cpu(r.direct.cpu),
      errorsOf(r.direct),
    ],
  ]);
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i < 2 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [
    line(columns),
    ...rows.map(line),
    ...aims.map((a) => `aim ${a.aim} (${a.broker}): ${a.met ? "met" : "NOT met"} (${a.measured})`),
  ].join("\n");
}

/** Where DeadLetterQueues.replay spent its time, one line per kind of SDK call. */
export function breakdown(result: BrokerResult): string {
  const { direct } = result;
  const total = direct.seconds * 1000;
  const share = (ms: number) => `${((100 * ms) / Math.max(total, 1)).toFixed(0)}%`.padStart(4);
  const lines = Object.entries(direct.sdkCalls).map(([name, f]) => {
    const carried = f.messages
      ? `, ${f.messages.mean} messages a call (${f.messages.min}–${f.messages.max})`
      : "";
    return `  ${name.padEnd(48)} ${String(f.wallMs).padStart(8)} ms ${share(f.wallMs)}  ${f.calls} calls, mean ${f.meanMs} ms, max ${f.maxMs} ms${carried}`;
  });
  return [
    `where DeadLetterQueues.replay spent ${direct.seconds} s on the ${result.broker} broker (${direct.links} links):`,
    ...lines,
    `  ${"client's own work between calls".padEnd(48)} ${String(direct.ownWorkMs).padStart(8)} ms ${share(direct.ownWorkMs)}`,
  ].join("\n");
}
