// Follows a replay or purge operation until it ends, polling the gateway twice a second. On a terminal the
// progress is one line on stderr, rewritten in place; elsewhere (a pipe, a CI log) each change is a line
// of its own. Ctrl+C stops following, not the operation: it says so and how to abort it, then exits 130.
import { CliError, EXIT } from "./cli-error.ts";
import type { GatewayClient } from "./gateway-client.ts";
import type { Terminal } from "./output.ts";
import {
  isRunning,
  operationOf,
  progressText,
  type ReplayOperation,
  replayPath,
} from "./replay-operation.ts";

const POLL_MS = 500;
/** Polls in a row that may fail to reach the gateway (or find it busy) before giving up. */
const MAX_FAILED_POLLS = 5;

export interface FollowedOperation {
  /** The gateway's last answer, as it gave it: what -o json|yaml prints. */
  answer: unknown;
  operation: ReplayOperation;
}

export async function followOperation(
  client: GatewayClient,
  terminal: Terminal,
  started: FollowedOperation,
): Promise<FollowedOperation> {
  const line = progressLine(terminal);
  const { id, kind } = started.operation;
  const onInterrupt = () => {
    line.end();
    terminal.note(
      `haymaker: stopped following; the ${kind} ${id} keeps running on the gateway. Abort it with: haymaker dlq abort ${id} (watch it again: haymaker dlq status ${id} --follow)`,
    );
    process.exit(130);
  };
  process.once("SIGINT", onInterrupt);
  try {
    let current = started;
    let failedPolls = 0;
    line.show(progressText(current.operation));
    while (isRunning(current.operation)) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      try {
        const answer = await client.get(replayPath(id));
        current = { answer, operation: operationOf(answer) };
        failedPolls = 0;
      } catch (error) {
        if (!isTransient(error) || ++failedPolls >= MAX_FAILED_POLLS) {
          line.end();
          throw error;
        }
        continue;
      }
      line.show(progressText(current.operation));
    }
    line.end();
    return current;
  } finally {
    process.off("SIGINT", onInterrupt);
  }
}

/** No answer at all, or the gateway busy or briefly failing: worth another poll. */
function isTransient(error: unknown): boolean {
  if (!(error instanceof CliError) || error.exitCode !== EXIT.failure) return false;
  return error.status === undefined || error.status === 429 || error.status >= 500;
}

interface ProgressLine {
  show(text: string): void;
  /** Leaves the cursor on a fresh line (on a terminal), so what follows is not written over it. */
  end(): void;
}

function progressLine(terminal: Terminal): ProgressLine {
  let last: string | undefined;
  if (process.stderr.isTTY !== true) {
    return {
      show(text) {
        if (text !== last) terminal.note(text);
        last = text;
      },
      end() {},
    };
  }
  return {
    show(text) {
      // Back to the line's start and clear it, so a shorter text leaves nothing of the longer one.
      process.stderr.write(`\r\u001b[2K${text}`);
      last = text;
    },
    end() {
      if (last !== undefined) process.stderr.write("\n");
      last = undefined;
    },
  };
}
