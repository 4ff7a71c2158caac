// The on-disk record of one supervised agent process: the only state the local runtime keeps, so deploy and
// monitor can be different processes (and restart) and still agree on what runs. It never holds the agent's
// environment (which carries its secret).
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import type { AgentState } from "../agent-runtime.ts";

export interface ProcessRecord {
  name: string;
  state: "starting" | AgentState;
  supervisorPid?: number;
  agentPid?: number;
  startedAt: string;
  finishedAt?: string;
  exitCode?: number;
  detail?: string;
}

export function readRecord(file: string): ProcessRecord | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as ProcessRecord;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** Replaces the record atomically: readers see the old one or the new one, never half of either. */
export function writeRecord(file: string, record: ProcessRecord): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(record)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
}
