// cleanup: deletes what a run (or every run of a scenario) left behind: resources, identities and their
// secrets. A person sees a dry run first and confirms; a script must pass --yes, since nobody could answer
// the question. With --wait (the default when stdout is a terminal) it follows the cleanup until
// force-cleanup reports back, shows what was deleted and what not, and exits 1 if anything was not.
import { CliError, EXIT, type ExitCode, usageError } from "../cli-error.ts";
import { type Command, type CommandContext, stringOption } from "../command.ts";
import { print, type Terminal } from "../output.ts";
import { readLine } from "../prompt.ts";
import { failuresOf, followCleanup, showCleanup } from "./cleanup-follow.ts";

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
  /** Not on a dry run: the cleanup to follow at /api/cleanups/{id}. */
  cleanupId?: string;
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
      wait: { type: "boolean" },
      "no-wait": { type: "boolean" },
    },
    optionHelp: [
      "--execution RUN   clean up this run (or --scenario)",
      "--scenario ID     clean up every run of this scenario (or --execution)",
      "--dry-run         only show what would be deleted",
      "-y, --yes         delete without asking (needed when stdin is not a terminal)",
      "--wait            follow the cleanup until it is done; exit 1 if anything was not deleted",
      "                  (the default when stdout is a terminal)",
      "--no-wait         only request it",
    ],
    async run(context) {
      const { options, terminal, format } = context;
      const target = targetOf(options);
      const wait = waitOf(options);
      if (options["dry-run"] === true) {
        showAnswer(terminal, format, await requestCleanup(context, target, true));
        return undefined;
      }
      if (options.yes === true) return cleanUp(context, target, wait, format);
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
      return cleanUp(context, target, wait, format === "table" ? "summary" : format);
    },
  },
];

/** --wait or --no-wait, else wait when a person is watching stdout. */
function waitOf(options: CommandContext["options"]): { explicit: boolean; wait: boolean } {
  if (options.wait === true && options["no-wait"] === true)
    throw usageError("give --wait or --no-wait, not both");
  if (options.wait === true) return { explicit: true, wait: true };
  if (options["no-wait"] === true) return { explicit: true, wait: false };
  return { explicit: false, wait: process.stdout.isTTY === true };
}

/** Requests the cleanup, then (waiting) follows it to its end. "summary": only the one-line answer. */
async function cleanUp(
  context: CommandContext,
  target: { executionId: string } | { scenario: string },
  { explicit, wait }: { explicit: boolean; wait: boolean },
  format: CommandContext["format"] | "summary",
): Promise<ExitCode | undefined> {
  const { terminal } = context;
  const accepted = await requestCleanup(context, target, false);
  if (!wait || (accepted.cleanupId === undefined && !explicit)) {
    if (format === "summary") terminal.write(summaryLine(accepted));
    else showAnswer(terminal, format, accepted);
    return undefined;
  }
  if (accepted.cleanupId === undefined) {
    throw new CliError(
      "this gateway does not report cleanups back; follow /api/resources instead",
      EXIT.failure,
    );
  }
  terminal.note(summaryLine(accepted));
  const done = await followCleanup(context, accepted.cleanupId);
  showCleanup(terminal, format === "summary" ? "table" : format, done);
  return failuresOf(done) > 0 ? EXIT.failure : EXIT.ok;
}

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
