// What the gateway benchmark reports per target, the aims it compares the gateway with, and the table it
// prints. The aims are stated and checked, never enforced: a benchmark measures, it does not fail.
import type { AutocannonResult } from "./load.ts";

export interface TargetFigures {
  url: string;
  /** Size of one answer's body, to show both targets send about the same. */
  responseBytes: number;
  requestsPerSecond: number;
  latencyMs: { mean: number; p50: number; p99: number; max: number };
  throughputBytesPerSecond: number;
  requests: number;
  /** Answers that were not 2xx, by status. */
  non2xx: number;
  statusCodes: Record<string, number>;
  errors: number;
  timeouts: number;
  /** Server process CPU while measured, % of one core (the server runs on one thread). */
  serverCpuPercent: number;
  /**
   * Server CPU per answered request, µs: what one request costs, which other work on the machine changes
   * far less than it changes requests per second.
   */
  serverCpuMicrosecondsPerRequest: number;
}

export function figuresOf(
  result: AutocannonResult,
  target: { url: string; responseBytes: number; serverCpuSeconds: number },
): TargetFigures {
  const round = (n: number, places = 2) => Number(n.toFixed(places));
  return {
    url: target.url,
    responseBytes: target.responseBytes,
    requestsPerSecond: round(result.requests.mean, 0),
    latencyMs: {
      mean: round(result.latency.mean),
      p50: result.latency.p50,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    throughputBytesPerSecond: round(result.throughput.mean, 0),
    requests: result.requests.total,
    non2xx: result.non2xx,
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats).map(([status, { count }]) => [status, count]),
    ),
    errors: result.errors,
    timeouts: result.timeouts,
    serverCpuPercent: round((100 * target.serverCpuSeconds) / Math.max(result.duration, 0.001), 0),
    serverCpuMicrosecondsPerRequest: round(
      (1e6 * target.serverCpuSeconds) / Math.max(result.requests.total, 1),
      0,
    ),
  };
}

export interface Aim {
  aim: string;
  measured: number;
  met: boolean;
}

export const AIMS = { requestsPerSecond: 5000, p99Ms: 20, ratio: 0.4 };

export function aimsFor(gateway: TargetFigures, ratio: number): Aim[] {
  return [
    {
      aim: `≥ ${AIMS.requestsPerSecond} req/s`,
      measured: gateway.requestsPerSecond,
      met: gateway.requestsPerSecond >= AIMS.requestsPerSecond,
    },
    {
      aim: `p99 < ${AIMS.p99Ms} ms`,
      measured: gateway.latencyMs.p99,
      met: gateway.latencyMs.p99 < AIMS.p99Ms,
    },
    { aim: `gateway/bare ≥ ${AIMS.ratio}`, measured: ratio, met: ratio >= AIMS.ratio },
  ];
}

/** Whether a target's figures count: every request answered, and answered 2xx. */
export function hadErrors(figures: TargetFigures): boolean {
  return figures.errors > 0 || figures.timeouts > 0 || figures.non2xx > 0;
}

export function table(targets: Record<string, TargetFigures>, ratio: number, aims: Aim[]): string {
  const columns = [
    "target",
    "req/s",
    "p50 ms",
    "p99 ms",
    "MB/s",
    "server CPU",
    "CPU µs/req",
    "non-2xx",
    "errors",
  ];
  const rows = Object.entries(targets).map(([name, f]) => [
    name,
    String(f.requestsPerSecond),
    String(f.latencyMs.p50),
    String(f.latencyMs.p99),
    (f.throughputBytesPerSecond / 2 ** 20).toFixed(1),
    `${f.serverCpuPercent}%`,
    String(f.serverCpuMicrosecondsPerRequest),
    String(f.non2xx),
    String(f.errors + f.timeouts),
  ]);
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ");
  return [
    line(columns),
    ...rows.map(line),
    `ratio gateway/bare: ${ratio}`,
    ...aims.map((a) => `aim ${a.aim}: ${a.met ? "met" : "NOT met"} (${a.measured})`),
  ].join("\n");
}
