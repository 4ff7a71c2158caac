// A replay or purge of dead letters runs on the gateway as an operation, long after the request that
// started it: how it is read, summed up in one line, printed, and what its end means as an exit code.
import { EXIT, type ExitCode } from "./cli-error.ts";
import { FIELD_COLUMNS, fieldRows, type OutputFormat, print, type Terminal } from "./output.ts";
import type { Column } from "./table.ts";

export interface ReplayOperation {
  id: string;
  name?: string;
  kind: "replay" | "purge";
  status: "running" | "completed" | "aborted" | "failed" | "interrupted";
  /** Which dead letters it takes: { ids }, { group } or { filter }. */
  selection?: Record<string, unknown>;
  requestedBy: string;
  startedAt: string;
  finishedAt?: string;
  total: number;
  /** Replayed, or for a purge deleted. */
  replayed: number;
  failed: number;
  remaining: number;
  errors: string[];
}

/** Errors listed under an operation's table; JSON and YAML carry them all. */
const ERRORS_SHOWN = 20;

export const replayPath = (id: string) => `/api/replays/${encodeURIComponent(id)}`;

/** The operation in an answer, whether the gateway wrapped it ({ operation }) or not. */
export function operationOf(answer: unknown): ReplayOperation {
  const wrapped = (answer as { operation?: unknown } | undefined)?.operation;
  return (wrapped ?? answer) as ReplayOperation;
}

export const isRunning = (operation: ReplayOperation) => operation.status === "running";

/** `replaying: 420/1000, 2 failed, 578 left` (a purge is `deleting: …`). */
export function progressText(operation: ReplayOperation): string {
  const verb = operation.kind === "purge" ? "deleting" : "replaying";
  const { replayed, total, failed, remaining } = operation;
  const state = isRunning(operation) ? "" : ` (${operation.status})`;
  return `${verb}: ${replayed}/${total}, ${failed} failed, ${remaining} left${state}`;
}

/** 0 only for an operation that completed with nothing failed. */
export function exitCodeOf(operation: ReplayOperation): ExitCode {
  return operation.status === "completed" && operation.failed === 0 ? EXIT.ok : EXIT.failure;
}

export const OPERATION_COLUMNS: Column<ReplayOperation>[] = [
  { header: "ID", value: (o) => o.id },
  { header: "KIND", value: (o) => o.kind },
  { header: "NAME", value: (o) => o.name },
  { header: "STATUS", value: (o) => o.status },
  { header: "DONE", value: (o) => `${o.replayed}/${o.total}` },
  { header: "FAILED", value: (o) => o.failed },
  { header: "BY", value: (o) => o.requestedBy },
  { header: "STARTED", value: (o) => o.startedAt },
];

/** One operation: as the gateway gave it for JSON and YAML, as fields and its errors for a table. */
export function printOperation(
  terminal: Terminal,
  format: OutputFormat,
  answer: unknown,
  operation: ReplayOperation = operationOf(answer),
): void {
  if (format !== "table") {
    print(terminal, format, answer, { rows: [], columns: [] });
    return;
  }
  print(terminal, format, answer, {
    rows: fieldRows({
      id: operation.id,
      name: operation.name,
      kind: operation.kind,
      status: operation.status,
      selection: operation.selection,
      requestedBy: operation.requestedBy,
      startedAt: operation.startedAt,
      finishedAt: operation.finishedAt,
      total: operation.total,
      [operation.kind === "purge" ? "deleted" : "replayed"]: operation.replayed,
      failed: operation.failed,
      remaining: operation.remaining,
    }),
    columns: FIELD_COLUMNS,
  });
  const errors = operation.errors ?? [];
  if (errors.length === 0) return;
  terminal.write(["", "errors:", ...errors.slice(0, ERRORS_SHOWN).map((error) => `  ${error}`)].join("\n"));
  if (errors.length > ERRORS_SHOWN) {
    terminal.write(`  … and ${errors.length - ERRORS_SHOWN} more (-o json lists them all)`);
  }
}
