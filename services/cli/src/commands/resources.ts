// resources list: the Azure resources agents reported, filtered; --group-by counts them per type,
// scenario or run (and per status), over every page.
import { usageError } from "../cli-error.ts";
import { type Command, stringOption } from "../command.ts";
import { print } from "../output.ts";
import { ALL_HELP, ALL_OPTION, noteMorePages, readPages } from "../pages.ts";

interface ResourceRecord {
  id: string;
  resourceId: string;
  runId: string;
  agentId: string;
  scenarioId: string;
  type: string;
  status: "created" | "deleted" | "left";
  createdAt?: string;
  deletedAt?: string;
  leftReason?: string;
}

const STATUSES = ["created", "deleted", "left"] as const;
const GROUPS = { type: "type", scenario: "scenarioId", execution: "runId" } as const;
type GroupBy = keyof typeof GROUPS;

export interface ResourceGroupCount {
  group: string;
  total: number;
  created: number;
  deleted: number;
  left: number;
}

export const resourceCommands: Command[] = [
  {
    words: ["resources", "list"],
    summary: "list the resources agents created, or count them with --group-by",
    options: {
      execution: { type: "string" },
      scenario: { type: "string" },
      status: { type: "string" },
      type: { type: "string" },
      "group-by": { type: "string" },
      ...ALL_OPTION,
    },
    optionHelp: [
      "--execution RUN   only this run's",
      "--scenario ID     only this scenario's",
      `--status STATUS   only ${STATUSES.join(", ")}`,
      "--type TYPE       only this ARM type (e.g. Microsoft.Storage/storageAccounts)",
      "--group-by KEY    type, scenario or execution: counts per group and status (reads every page)",
      ALL_HELP,
    ],
    async run({ client, terminal, format, options }) {
      const status = stringOption(options, "status");
      if (status !== undefined && !(STATUSES as readonly string[]).includes(status)) {
        throw usageError(`--status must be one of ${STATUSES.join(", ")}, not '${status}'`);
      }
      const groupBy = stringOption(options, "group-by");
      if (groupBy !== undefined && !(groupBy in GROUPS)) {
        throw usageError(`--group-by must be one of ${Object.keys(GROUPS).join(", ")}, not '${groupBy}'`);
      }
      const answer = await readPages<ResourceRecord>(
        client(),
        "/api/resources",
        {
          executionId: stringOption(options, "execution"),
          scenario: stringOption(options, "scenario"),
          status,
          type: stringOption(options, "type"),
        },
        options.all === true || groupBy !== undefined,
      );
      if (groupBy !== undefined) {
        const groups = countBy(answer.items, groupBy as GroupBy);
        print(
          terminal,
          format,
          { groupBy, items: groups },
          {
            rows: groups,
            columns: [
              { header: groupBy.toUpperCase(), value: (g) => g.group },
              { header: "TOTAL", value: (g) => g.total },
              { header: "CREATED", value: (g) => g.created },
              { header: "DELETED", value: (g) => g.deleted },
              { header: "LEFT", value: (g) => g.left },
            ],
            empty: "(no resources)",
          },
        );
        return undefined;
      }
      print(terminal, format, answer, {
        rows: answer.items,
        columns: [
          { header: "RUN", value: (r) => r.runId },
          { header: "AGENT", value: (r) => r.agentId },
          { header: "STATUS", value: (r) => r.status },
          { header: "TYPE", value: (r) => r.type },
          { header: "RESOURCE", value: (r) => r.resourceId },
        ],
        empty: "(no resources)",
      });
      noteMorePages(terminal, answer, "resources");
      return undefined;
    },
  },
];

/** One row per group, sorted by name: how many resources, and how many in each status. */
export function countBy(resources: ResourceRecord[], groupBy: GroupBy): ResourceGroupCount[] {
  const groups = new Map<string, ResourceGroupCount>();
  for (const resource of resources) {
    const key = resource[GROUPS[groupBy]];
    const count = groups.get(key) ?? { group: key, total: 0, created: 0, deleted: 0, left: 0 };
    count.total += 1;
    if (resource.status in count) count[resource.status] += 1;
    groups.set(key, count);
  }
  return [...groups.values()].sort((a, b) => a.group.localeCompare(b.group));
}
