// When the agent stops operating. The run has one hard deadline (the monitor stops the agent then); the agent
// stops operating a "cleanup reserve" before it, so its own teardown finishes while it is still allowed to run.

export const MIN_CLEANUP_RESERVE_MS = 5_000;
export const MAX_CLEANUP_RESERVE_MS = 10 * 60_000;
const DEFAULT_RESERVE_SHARE = 0.1;

/**
 * The reserve when the run sets none: a tenth of the time left at start, at least 5 s (a sandbox delete is
 * quick, but the last telemetry and closing the bus take a moment too) and at most 10 minutes (the slowest common Azure deletes, such as a VM with its
 * disks, finish well inside that).
 */
export function defaultCleanupReserveMs(timeLeftMs: number): number {
  const share = Math.max(0, timeLeftMs) * DEFAULT_RESERVE_SHARE;
  return Math.round(Math.min(MAX_CLEANUP_RESERVE_MS, Math.max(MIN_CLEANUP_RESERVE_MS, share)));
}

export interface OperateWindow {
  /** When operating must stop (epoch ms): the deadline less the cleanup reserve. */
  endsAt: number;
  cleanupReserveMs: number;
}

export function operateWindow(deadlineMs: number, startMs: number, cleanupReserveMs?: number): OperateWindow {
  const reserve = cleanupReserveMs ?? defaultCleanupReserveMs(deadlineMs - startMs);
  return { endsAt: deadlineMs - reserve, cleanupReserveMs: reserve };
}

export interface PausePlan {
  /** How long to actually wait. */
  waitMs: number;
  /** True when the operate window ends before the pause would: operating stops after this wait. */
  cutShort: boolean;
}

/** A pause never sleeps past the end of the operate window. */
export function planPause(durationMs: number, nowMs: number, windowEndsAt: number): PausePlan {
  const left = Math.max(0, windowEndsAt - nowMs);
  return durationMs < left ? { waitMs: durationMs, cutShort: false } : { waitMs: left, cutShort: true };
}

/** Whether another operate step may start now. */
export function mayOperate(nowMs: number, windowEndsAt: number): boolean {
  return nowMs < windowEndsAt;
}
