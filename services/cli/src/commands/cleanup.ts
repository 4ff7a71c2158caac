// cleanup: deletes what a run (or every run of a scenario) left behind: resources and identities. A person
// sees a dry run first and confirms; a script must pass --yes, since nobody could answer the question.
import { CliError, EXIT, usageError } from "../cli-error.ts";
import { type Command, type CommandContext, stringOption } from "../command.ts";
import { print, type Terminal } from "../output.ts";
import { readLine } from "../prompt.ts";

export interface CleanupTarget {
  runId: string;
  agentId: string;
  scenarioId: string;
  resourceGroup?: string;
  resources: { id: string; resourceId: string; type: string }[];
  identity?: { appId: string; displayName: string };
}

export interface CleanupAnswer {
  dryRun: boolean;
  targets: CleanupTarget[];
  counts: { agents: number; resources: number; identities: number };
}

export const cleanupCommands: Command[] = [
  {
    words: ["cleanup"],
    summary: "delete the resources and identities a run or scenario left behind",
    options: {
      execution: { type: "string" },
      scenario: { type: "string" },
      "dry-run": { type: "boolean" },
      yes: { type: "boolean", short: "y" },
    },
    optionHelp: [
      "--execution RUN   clean up this run (or --scenario)",
      "--scenario ID     clean up every run of this scenario (or --execution)",
      "--dry-run         only show what would be deleted",
      "-y, --yes         delete without asking (needed when stdin is not a terminal)",
    ],
    async run(context) {
      const { options, terminal, format } = context;
      const target = targetOf(options);
      if (options["dry-run"] === true) {
        showAnswer(terminal, format, await requestCleanup(context, target, true));
        return undefined;
      }
      if (options.yes === true) {
        showAnswer(terminal, format, await requestCleanup(context, target, false));
        return undefined;
      }
      if (!process.stdin.isTTY) {
        throw usageError("cleanup deletes for good: pass --yes to confirm (or --dry-run to look first)");
      }
      const preview = await requestCleanup(context, target, true);
      // The preview is for the person answering; with -o json|yaml it stays off stdout.
      const previewTerminal = format === "table" ? terminal : { ...terminal, write: terminal.note };
      showAnswer(previewTerminal, "table", preview);
      if (isEmpty(preview)) {
        if (format !== "table") showAnswer(terminal, format, preview);
        return undefined;
      }
      const { resources, identities } = preview.counts;
      const answer = (await readLine(`Delete ${resources} resources and ${identities} identities? [y/N] `))
        .trim()
        .toLowerCase();
      if (answer !== "y" && answer !== "yes") throw new CliError("nothing deleted", EXIT.failure);
      const done = await requestCleanup(context, target, false);
      if (format === "table") terminal.write(summaryLine(done));
      else showAnswer(terminal, format, done);
      return undefined;
    },
  },
];

function targetOf(options: CommandContext["options"]): { executionId: string } | { scenario: string } {
  const executionId = stringOption(options, "execution");
  const scenario = stringOption(options, "scenario");
  if ((executionId === undefined) === (scenario === undefined)) {
    throw usageError("usage: haymaker cleanup (--execution RUN | --scenario ID) [--dry-run] [--yes]");
  }
  return executionId !== undefined ? { executionId } : { scenario: scenario ?? "" };
}

async function requestCleanup(
  { client }: CommandContext,
  target: { executionId: string } | { scenario: string },
  dryRun: boolean,
): Promise<CleanupAnswer> {
  return (await client().post("/api/cleanup", { ...target, dryRun })) as CleanupAnswer;
}

const isEmpty = ({ counts }: CleanupAnswer) => counts.resources === 0 && counts.identities === 0;

function summaryLine(answer: CleanupAnswer): string {
  const { agents, resources, identities } = answer.counts;
  const what = `${resources} resources and ${identities} identities of ${agents} agents`;
  return answer.dryRun ? `Would delete ${what}.` : `Cleanup requested: deleting ${what}.`;
}

function showAnswer(terminal: Terminal, format: CommandContext["format"], answer: CleanupAnswer): void {
  if (format !== "table") {
    print(terminal, format, answer, { rows: [], columns: [] });
    return;
  }
  if (isEmpty(answer)) {
    terminal.write("Nothing to delete.");
    return;
  }
  print(terminal, format, answer, {
    rows: answer.targets,
    columns: [
      { header: "RUN", value: (t) => t.runId },
      { header: "AGENT", value: (t) => t.agentId },
      { header: "SCENARIO", value: (t) => t.scenarioId },
      { header: "RESOURCE GROUP", value: (t) => t.resourceGroup },
      { header: "RESOURCES", value: (t) => t.resources.length },
      { header: "IDENTITY", value: (t) => t.identity?.displayName },
    ],
  });
  terminal.write(summaryLine(answer));
}
