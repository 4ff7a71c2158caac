// What a benchmark's results record about the machine, so figures from different runs can be compared.
import { cpus, loadavg } from "node:os";

export interface MachineFacts {
  cpus: number;
  cpuModel: string;
  node: string;
  /** How busy the machine was when the run began: other work skews the figures. */
  loadAverage1mAtStart: number;
}

/** Call at the start of a run: it reads the load average then. */
export function machineFacts(): MachineFacts {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    node: process.version,
    loadAverage1mAtStart: Number((loadavg()[0] ?? 0).toFixed(2)),
  };
}
