// A replay or purge operation as operators see it: what it works on, who asked, how far it got.
import type { DeadLetterSelection } from "./selection.ts";

export type OperationKind = "replay" | "purge";
export type OperationStatus = "running" | "completed" | "aborted" | "failed" | "interrupted";

export interface ReplayOperation {
  id: string;
  name?: string;
  kind: OperationKind;
  status: OperationStatus;
  selection: DeadLetterSelection;
  requestedBy: string;
  startedAt: string;
  finishedAt?: string;
  /** How many dead letters matched when it started. */
  total: number;
  /** Replayed (sent again and removed), or for a purge, deleted. */
  replayed: number;
  failed: number;
  remaining: number;
  /** The latest errors, each naming its queue; never a message body, never a secret. */
  errors: string[];
}

export interface StartRequest {
  kind: OperationKind;
  selection: DeadLetterSelection;
  requestedBy: string;
  name?: string;
}
