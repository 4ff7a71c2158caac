// metrics: outcomes, success rates and durations over the last 7, 30 or 90 days, overall and per scenario.
import { usageError } from "../cli-error.ts";
import { type Command, stringOption } from "../command.ts";
import { FIELD_COLUMNS, fieldRows, print } from "../output.ts";

const PERIODS = ["7d", "30d", "90d"];

interface Outcomes {
  completed: number;
  failed: number;
  timedOut: number;
  cancelled: number;
}

interface ScenarioMetrics extends Outcomes {
  scenarioId: string;
  runs: number;
  agents: number;
  successRate: number | null;
  resourcesCreated: number;
  resourcesLeft: number;
  meanAgentDurationMs: number | null;
}

interface MetricsResponse {
  period: string;
  since: string;
  until: string;
  scenario?: string;
  runs: {
    total: number;
    inProgress: number;
    completed: number;
    failed: number;
    rejected: number;
    cancelled: number;
    successRate: number | null;
    meanDurationMs: number | null;
  };
  agents: Outcomes & { total: number; inProgress: number };
  resources: { created: number; deleted: number; left: number };
  scenarios: ScenarioMetrics[];
}

export const metricsCommands: Command[] = [
  {
    words: ["metrics"],
    summary: "show outcomes, success rates and durations, overall and per scenario",
    options: { period: { type: "string" }, scenario: { type: "string" } },
    optionHelp: [
      `--period P        ${PERIODS.join(", ")} (default 7d)`,
      "--scenario ID     only this scenario",
    ],
    async run({ client, terminal, format, options }) {
      const period = stringOption(options, "period");
      if (period !== undefined && !PERIODS.includes(period)) {
        throw usageError(`--period must be one of ${PERIODS.join(", ")}, not '${period}'`);
      }
      const metrics = (await client().get("/api/metrics", {
        period,
        scenario: stringOption(options, "scenario"),
      })) as MetricsResponse;
      if (format !== "table") {
        print(terminal, format, metrics, { rows: [], columns: [] });
        return undefined;
      }
      const { runs, agents, resources } = metrics;
      print(terminal, format, metrics, {
        rows: fieldRows({
          period: `${metrics.period} (${metrics.since} to ${metrics.until})`,
          scenario: metrics.scenario,
          runs: `${runs.total}: ${runs.inProgress} in progress, ${runs.completed} completed, ${runs.failed} failed, ${runs.rejected} rejected, ${runs.cancelled} cancelled`,
          runSuccess: percent(runs.successRate),
          meanRunDuration: duration(runs.meanDurationMs),
          agents: `${agents.total}: ${agents.inProgress} in progress, ${agents.completed} completed, ${agents.failed} failed, ${agents.timedOut} timed out, ${agents.cancelled} cancelled`,
          resources: `${resources.created} created, ${resources.deleted} deleted, ${resources.left} left`,
        }),
        columns: FIELD_COLUMNS,
      });
      terminal.write("");
      print(terminal, format, metrics, {
        rows: metrics.scenarios,
        columns: [
          { header: "SCENARIO", value: (s) => s.scenarioId },
          { header: "RUNS", value: (s) => s.runs },
          { header: "AGENTS", value: (s) => s.agents },
          { header: "OK", value: (s) => s.completed },
          { header: "FAILED", value: (s) => s.failed },
          { header: "TIMED OUT", value: (s) => s.timedOut },
          { header: "CANCELLED", value: (s) => s.cancelled },
          { header: "SUCCESS", value: (s) => percent(s.successRate) },
          { header: "MEAN TIME", value: (s) => duration(s.meanAgentDurationMs) },
          { header: "CREATED", value: (s) => s.resourcesCreated },
          { header: "LEFT", value: (s) => s.resourcesLeft },
        ],
        empty: "(no agents in this period)",
      });
      return undefined;
    },
  },
];

const percent = (rate: number | null) => (rate === null ? "-" : `${Math.round(rate * 1000) / 10}%`);

/** 29_100_000 → "8h 5m"; 42_000 → "42s". */
export function duration(ms: number | null): string {
  if (ms === null) return "-";
  const seconds = Math.round(ms / 1000);
  const [h, m, s] = [Math.floor(seconds / 3600), Math.floor((seconds % 3600) / 60), seconds % 60];
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}
