// run: asks the gateway for a run, and with --wait follows it to its end.
import { EXIT, usageError } from "../cli-error.ts";
import { type Command, type CommandContext, listOption, stringOption } from "../command.ts";
import { FIELD_COLUMNS, fieldRows, print } from "../output.ts";
import { unlessNotFound } from "../unless-not-found.ts";
import { type ExecutionWithAgents, printExecution } from "./executions.ts";

const SIZES = ["small", "medium", "large"];
const FINAL_STATUSES = new Set(["completed", "failed", "rejected", "cancelled"]);
const POLL_MS = 1000;

/** `run`, and `deploy` as its alias: the same options, help and behaviour under either word. */
const runCommand = (word: string, alias: string): Command => ({
  words: [word],
  summary: `start a run of named scenarios or of a size (also: haymaker ${alias})`,
  options: {
    scenario: { type: "string", multiple: true },
    size: { type: "string" },
    duration: { type: "string" },
    tag: { type: "string", multiple: true },
    wait: { type: "boolean" },
  },
  optionHelp: [
    "--scenario ID     a scenario to perform (repeatable)",
    "--size SIZE       small, medium or large, instead of --scenario",
    "--duration PT8H   how long each agent operates (ISO 8601)",
    "--tag KEY=VALUE   a tag for the run's resources (repeatable)",
    "--wait            follow the run until it ends; exit 1 unless it completed",
  ],
  async run(context) {
    const { client, terminal, format } = context;
    const request = executeRequestOf(context);
    const accepted = (await client().post("/api/execute", request)) as { executionId: string };
    if (context.options.wait !== true) {
      print(terminal, format, accepted, { rows: fieldRows(accepted), columns: FIELD_COLUMNS });
      return undefined;
    }
    terminal.note(`${accepted.executionId} requested`);
    const final = await follow(context, accepted.executionId);
    printExecution(terminal, format, final);
    return final.execution.status === "completed" ? EXIT.ok : EXIT.failure;
  },
});

export const runCommands: Command[] = [runCommand("run", "deploy"), runCommand("deploy", "run")];

function executeRequestOf({ options }: CommandContext): Record<string, unknown> {
  const scenarios = listOption(options, "scenario");
  const size = stringOption(options, "size");
  if (scenarios.length > 0 && size !== undefined) throw usageError("give --scenario or --size, not both");
  if (size !== undefined && !SIZES.includes(size)) {
    throw usageError(`--size must be one of ${SIZES.join(", ")}, not '${size}'`);
  }
  const tags: Record<string, string> = {};
  for (const tag of listOption(options, "tag")) {
    const at = tag.indexOf("=");
    if (at < 1) throw usageError(`--tag takes KEY=VALUE, not '${tag}'`);
    tags[tag.slice(0, at)] = tag.slice(at + 1);
  }
  const duration = stringOption(options, "duration");
  return {
    ...(scenarios.length > 0 ? { scenarios } : {}),
    ...(size === undefined ? {} : { size }),
    ...(duration === undefined ? {} : { duration }),
    ...(Object.keys(tags).length > 0 ? { tags } : {}),
  };
}

/** Polls the run every second, noting each agent's change of stage, until it reaches a final status. */
async function follow({ client, terminal }: CommandContext, runId: string): Promise<ExecutionWithAgents> {
  const stages = new Map<string, string>();
  let status = "requested";
  for (;;) {
    // A 404 for the first moments, while the projections have not heard of the run yet.
    const current = await unlessNotFound<ExecutionWithAgents>(() => client().get(`/api/executions/${runId}`));
    if (current !== undefined) {
      if (current.execution.status !== status) {
        status = current.execution.status;
        terminal.note(`${runId} ${status}`);
      }
      for (const agent of current.agents) {
        if (stages.get(agent.agentId) === agent.stage) continue;
        stages.set(agent.agentId, agent.stage);
        terminal.note(`${agent.agentId} ${agent.scenarioId} ${agent.stage}`);
      }
      if (FINAL_STATUSES.has(current.execution.status)) return current;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
