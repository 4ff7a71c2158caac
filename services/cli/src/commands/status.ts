// status: what HayMaker is doing now: runs in progress, agents by stage, recent outcomes, the schedule.
import type { Command } from "../command.ts";
import { FIELD_COLUMNS, fieldRows, print } from "../output.ts";
import { EXECUTION_COLUMNS, type ExecutionRecord } from "./executions.ts";

export interface StatusResponse {
  now: string;
  activeExecutions: ExecutionRecord[];
  agentStages: Record<string, number>;
  recentOutcomes: { since: string; completed: number; failed: number; cancelled: number; rejected: number };
  schedule: { cron: string | null; nextRunAt: string | null };
}

export const statusCommands: Command[] = [
  {
    words: ["status"],
    summary: "show runs in progress, agents by stage, recent outcomes and the schedule",
    async run({ client, terminal, format }) {
      const status = (await client().get("/api/status")) as StatusResponse;
      if (format !== "table") {
        print(terminal, format, status, { rows: [], columns: [] });
        return undefined;
      }
      const { since, ...outcomes } = status.recentOutcomes;
      const stages = Object.entries(status.agentStages).filter(([, count]) => count > 0);
      print(terminal, format, status, {
        rows: fieldRows({
          now: status.now,
          schedule: status.schedule.cron ?? "(none)",
          nextRunAt: status.schedule.nextRunAt ?? "(none)",
          activeRuns: status.activeExecutions.length,
          agentStages: stages.length > 0 ? Object.fromEntries(stages) : "(no agents at work)",
          outcomesSince: since,
          outcomes,
        }),
        columns: FIELD_COLUMNS,
      });
      if (status.activeExecutions.length > 0) {
        terminal.write("");
        print(terminal, format, status, { rows: status.activeExecutions, columns: EXECUTION_COLUMNS });
      }
      return undefined;
    },
  },
];
