// dlq list / groups / show: the events that services dead-lettered, one by one, grouped by failure, or
// one whole with its event. Replaying and purging them is in dlq-actions.ts, following that in
// dlq-operations.ts.
import { type Command, stringOption } from "../command.ts";
import {
  DEAD_LETTER_COLUMNS,
  type DeadLetterDetail,
  type DeadLetterGroup,
  type DeadLetterSummary,
  FILTER_HELP,
  FILTER_OPTIONS,
  filterOf,
  GROUP_HELP,
  GROUP_OPTION,
} from "../dead-letters.ts";
import { FIELD_COLUMNS, fieldRows, print, type Terminal } from "../output.ts";
import { ALL_HELP, ALL_OPTION, limitOption, noteMorePages, readPages } from "../pages.ts";
import { dlqActionCommands } from "./dlq-actions.ts";
import { dlqOperationCommands } from "./dlq-operations.ts";

const dlqReadCommands: Command[] = [
  {
    words: ["dlq", "list"],
    summary: "list dead-lettered events, newest first",
    options: { ...FILTER_OPTIONS, ...GROUP_OPTION, limit: { type: "string" }, ...ALL_OPTION },
    optionHelp: [
      ...FILTER_HELP,
      GROUP_HELP,
      "--limit N         at most N dead letters (a page of N with --all)",
      ALL_HELP,
    ],
    async run({ client, terminal, format, options }) {
      const limit = limitOption(options);
      const query = { ...filterOf(options), group: stringOption(options, "group"), limit };
      const answer = await readPages<DeadLetterSummary>(
        client(),
        "/api/dead-letters",
        query,
        options.all === true,
      );
      print(terminal, format, answer, {
        rows: answer.items,
        columns: DEAD_LETTER_COLUMNS,
        empty: "(no dead letters)",
      });
      noteMorePages(terminal, answer, "dead letters");
      return undefined;
    },
  },
  {
    words: ["dlq", "groups"],
    summary: "count dead letters per failure (subscription, reason and description)",
    options: { ...FILTER_OPTIONS, ...GROUP_OPTION },
    optionHelp: [...FILTER_HELP, GROUP_HELP],
    async run({ client, terminal, format, options }) {
      const query = { ...filterOf(options), group: stringOption(options, "group") };
      const answer = (await client().get("/api/dead-letters/groups", query)) as { items: DeadLetterGroup[] };
      print(terminal, format, answer, {
        rows: answer.items,
        columns: [
          { header: "GROUP", value: (g) => g.group },
          { header: "SUBSCRIPTION", value: (g) => g.subscription },
          { header: "REASON", value: (g) => g.reason },
          { header: "COUNT", value: (g) => g.count },
          { header: "REPLAYED", value: (g) => g.replayed },
          { header: "FIRST", value: (g) => g.firstSeen },
          { header: "LAST", value: (g) => g.lastSeen },
          { header: "DESCRIPTION", value: (g) => g.description },
        ],
        empty: "(no dead letters)",
      });
      return undefined;
    },
  },
  {
    words: ["dlq", "show"],
    args: ["id"],
    summary: "show one dead letter: why it failed, its properties and its event",
    async run({ client, terminal, format, args }) {
      const answer = (await client().get(
        `/api/dead-letters/${encodeURIComponent(args[0] ?? "")}`,
      )) as DeadLetterDetail;
      if (format !== "table") print(terminal, format, answer, { rows: [], columns: [] });
      else printDeadLetter(terminal, answer);
      return undefined;
    },
  },
];

export const dlqCommands: Command[] = [...dlqReadCommands, ...dlqActionCommands, ...dlqOperationCommands];

/** Its fields as a table, then what was in the message: the event's data as JSON, or the raw body. */
function printDeadLetter(terminal: Terminal, letter: DeadLetterDetail): void {
  const { event, body, applicationProperties, ...fields } = letter;
  print(terminal, "table", letter, {
    rows: fieldRows({ ...fields, applicationProperties }),
    columns: FIELD_COLUMNS,
  });
  terminal.write("");
  if (event !== undefined) {
    const hasData = "data" in event;
    terminal.write(hasData ? "event data:" : "event (no data):");
    terminal.write(indent(JSON.stringify(hasData ? event.data : event, null, 2)));
  } else if (body !== undefined) {
    terminal.write("body (not a valid event):");
    terminal.write(indent(body));
  } else {
    terminal.write("(the message had no body)");
  }
}

const indent = (text: string) =>
  text
    .split("\n")
    .map((line) => `  ${line}`)
    .join("\n");
