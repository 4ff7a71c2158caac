// dlq replays / status / abort: the replay and purge operations the gateway runs, which go on after the
// command that started them has stopped following.
import { usageError } from "../cli-error.ts";
import type { Command, CommandContext } from "../command.ts";
import { print } from "../output.ts";
import {
  exitCodeOf,
  OPERATION_COLUMNS,
  operationOf,
  printOperation,
  type ReplayOperation,
  replayPath,
} from "../replay-operation.ts";
import { followOperation } from "../replay-progress.ts";

const FOLLOW_OPTION = { follow: { type: "boolean", short: "f" } } as const;
const FOLLOW_HELP = "-f, --follow      follow it until it ends; exit 1 unless every one succeeded";

/** One operation, read once or (with --follow) until it ends. */
async function showOperation({ client, terminal, format, options }: CommandContext, id: string) {
  const answer = await client().get(replayPath(id));
  if (options.follow !== true) {
    printOperation(terminal, format, answer);
    return undefined;
  }
  const final = await followOperation(client(), terminal, { answer, operation: operationOf(answer) });
  printOperation(terminal, format, final.answer, final.operation);
  return exitCodeOf(final.operation);
}

export const dlqOperationCommands: Command[] = [
  {
    words: ["dlq", "replays"],
    args: ["id?"],
    summary: "list replay and purge operations, or show one",
    options: FOLLOW_OPTION,
    optionHelp: [FOLLOW_HELP],
    async run(context) {
      const id = context.args[0];
      if (id !== undefined) return showOperation(context, id);
      if (context.options.follow === true)
        throw usageError("--follow needs an operation: haymaker dlq replays ID --follow");
      const { client, terminal, format } = context;
      const answer = (await client().get("/api/replays")) as { items: ReplayOperation[] };
      print(terminal, format, answer, {
        rows: answer.items,
        columns: OPERATION_COLUMNS,
        empty: "(no replays)",
      });
      return undefined;
    },
  },
  {
    words: ["dlq", "status"],
    args: ["id"],
    summary: "show one replay or purge operation (the same as dlq replays ID)",
    options: FOLLOW_OPTION,
    optionHelp: [FOLLOW_HELP],
    run: (context) => showOperation(context, context.args[0] ?? ""),
  },
  {
    words: ["dlq", "abort"],
    args: ["id"],
    summary: "stop a running replay or purge; what it already did stays done",
    async run({ client, terminal, format, args }) {
      const answer = await client().post(`${replayPath(args[0] ?? "")}/abort`, {});
      printOperation(terminal, format, answer);
      return undefined;
    },
  },
];
