// dlq replay / purge: sends dead letters back to their subscription, or deletes them for good. Both pick
// the letters the same way (ids, a failure group, or filters), show a dry run first to a person and ask,
// then follow the operation the gateway starts until it ends.
import { CliError, EXIT, usageError } from "../cli-error.ts";
import { type Command, type CommandContext, stringOption } from "../command.ts";
import {
  DEAD_LETTER_COLUMNS,
  type DeadLetterFilter,
  type DeadLetterSummary,
  FILTER_HELP,
  FILTER_OPTIONS,
  filterOf,
} from "../dead-letters.ts";
import { print, type Terminal } from "../output.ts";
import { readLine } from "../prompt.ts";
import { exitCodeOf, operationOf, printOperation } from "../replay-operation.ts";
import { followOperation } from "../replay-progress.ts";

type Selection = { ids: string[] } | { group: string } | { filter: DeadLetterFilter };

interface DryRunAnswer {
  dryRun: true;
  count: number;
  sample: DeadLetterSummary[];
}

/** What differs between replay and purge: the HTTP method, and the words a person reads. */
interface Action {
  word: "replay" | "purge";
  method: "POST" | "DELETE";
  path: string;
  summary: string;
  /** "Would replay 3 dead letters." */
  wouldText(count: number): string;
  question(count: number): string;
  declined: string;
}

const REPLAY: Action = {
  word: "replay",
  method: "POST",
  path: "/api/dead-letters/replay",
  summary: "send dead letters back to their subscription, and follow the replay",
  wouldText: (count) => `Would replay ${count} dead letters.`,
  question: (count) => `Replay ${count} dead letters? [y/N] `,
  declined: "nothing replayed",
};

const PURGE: Action = {
  word: "purge",
  method: "DELETE",
  path: "/api/dead-letters",
  summary: "delete dead letters for good (admin), and follow the purge",
  wouldText: (count) => `Would delete ${count} dead letters for good.`,
  question: (count) => `Delete ${count} dead letters for good? [y/N] `,
  declined: "nothing deleted",
};

const actionCommand = (action: Action): Command => ({
  words: ["dlq", action.word],
  args: ["id...?"],
  summary: action.summary,
  options: {
    group: { type: "string" },
    ...FILTER_OPTIONS,
    ...(action === REPLAY ? { name: { type: "string" } } : {}),
    "dry-run": { type: "boolean" },
    yes: { type: "boolean", short: "y" },
  },
  optionHelp: [
    `ID...             the dead letters to ${action.word} (or --group, or filters)`,
    "--group G         every dead letter of this failure group, g-… (see haymaker dlq groups)",
    ...FILTER_HELP,
    "                  (filters combine: a dead letter must match every one given)",
    ...(action === REPLAY
      ? ["--name NAME       a name for the replay, to find it again in dlq replays"]
      : []),
    `--dry-run         only show how many would be ${action === REPLAY ? "replayed" : "deleted"}, and a sample`,
    "-y, --yes         go ahead without asking (needed when stdin is not a terminal)",
    "Progress goes to stderr; the finished operation to stdout. Exit 1 unless every one succeeded.",
  ],
  run: (context) => runAction(action, context),
});

export const dlqActionCommands: Command[] = [actionCommand(REPLAY), actionCommand(PURGE)];

async function runAction(action: Action, context: CommandContext) {
  const { options, terminal, format } = context;
  const selection = selectionOf(action, context);
  const request = (dryRun: boolean) => requestAction(action, context, selection, dryRun);
  if (options["dry-run"] === true) {
    showDryRun(terminal, format, action, (await request(true)) as DryRunAnswer);
    return undefined;
  }
  if (options.yes !== true) {
    if (!process.stdin.isTTY) {
      throw usageError(
        `dlq ${action.word} ${action === REPLAY ? "sends events again" : "deletes for good"}: pass --yes to confirm (or --dry-run to look first)`,
      );
    }
    const preview = (await request(true)) as DryRunAnswer;
    // The preview is for the person answering; with -o json|yaml it stays off stdout.
    showDryRun(
      format === "table" ? terminal : { ...terminal, write: terminal.note },
      "table",
      action,
      preview,
    );
    if (preview.count === 0) {
      if (format !== "table") print(terminal, format, preview, { rows: [], columns: [] });
      return undefined;
    }
    const answer = (await readLine(action.question(preview.count))).trim().toLowerCase();
    if (answer !== "y" && answer !== "yes") throw new CliError(action.declined, EXIT.failure);
  }
  const accepted = await request(false);
  const final = await followOperation(context.client(), terminal, {
    answer: accepted,
    operation: operationOf(accepted),
  });
  if (final.operation.total === 0) terminal.note("No dead letters matched: nothing to do.");
  printOperation(terminal, format, final.answer, final.operation);
  return exitCodeOf(final.operation);
}

/** Exactly one of: ids, --group, or at least one filter flag. */
function selectionOf(action: Action, { args, options }: CommandContext): Selection {
  const group = stringOption(options, "group");
  const filter = filterOf(options);
  const given = [args.length > 0, group !== undefined, Object.keys(filter).length > 0];
  if (given.filter(Boolean).length !== 1) {
    throw usageError(
      `usage: haymaker dlq ${action.word} (ID... | --group G | FILTERS) [--dry-run] [--yes]: give exactly one of ids, --group or filter flags (see haymaker dlq ${action.word} --help)`,
    );
  }
  if (args.length > 0) return { ids: args };
  if (group !== undefined) return { group };
  return { filter };
}

function requestAction(
  action: Action,
  { client, options }: CommandContext,
  selection: Selection,
  dryRun: boolean,
): Promise<unknown> {
  const name = stringOption(options, "name");
  return client().request(action.method, action.path, {
    ...selection,
    dryRun,
    ...(name === undefined ? {} : { name }),
  });
}

function showDryRun(
  terminal: Terminal,
  format: CommandContext["format"],
  action: Action,
  answer: DryRunAnswer,
) {
  if (format !== "table") {
    print(terminal, format, answer, { rows: [], columns: [] });
    return;
  }
  if (answer.count === 0) {
    terminal.write("No dead letters match.");
    return;
  }
  print(terminal, format, answer, { rows: answer.sample, columns: DEAD_LETTER_COLUMNS });
  const shown = answer.sample.length < answer.count ? ` (a sample of ${answer.sample.length} shown)` : "";
  terminal.write(`${action.wouldText(answer.count)}${shown}`);
}
