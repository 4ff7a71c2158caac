// scenarios list / show: the catalogue operators choose from; scenarios lint: checks scenario files
// offline, before they are deployed.
import { EXIT } from "../cli-error.ts";
import type { Command } from "../command.ts";
import { FIELD_COLUMNS, fieldRows, print } from "../output.ts";
import { lintScenarios } from "../scenario-lint.ts";

interface ScenarioSummary {
  id: string;
  title: string;
  technologyArea: string;
  company: { name: string };
}

interface Scenario extends ScenarioSummary {
  description: string;
  company: { name: string; industry: string; story?: string };
  roles: string[];
  location?: string;
  parameters?: Record<string, { type?: string; default?: unknown }>;
  steps: Record<string, { name: string; action: string }[]>;
}

export const scenarioCommands: Command[] = [
  {
    words: ["scenarios", "list"],
    summary: "list the scenarios a run can perform",
    async run({ client, terminal, format }) {
      const answer = (await client().get("/api/scenarios")) as {
        items: ScenarioSummary[];
        problems: string[];
      };
      print(terminal, format, answer, {
        rows: answer.items,
        columns: [
          { header: "ID", value: (s) => s.id },
          { header: "AREA", value: (s) => s.technologyArea },
          { header: "COMPANY", value: (s) => s.company.name },
          { header: "TITLE", value: (s) => s.title },
        ],
      });
      // A scenario file the gateway could not load would otherwise just be missing from the list.
      for (const problem of answer.problems) terminal.note(`warning: ${problem}`);
      return undefined;
    },
  },
  {
    words: ["scenarios", "show"],
    args: ["id"],
    summary: "show one scenario as the catalogue has it (-o yaml for all of it)",
    async run({ client, terminal, format, args }) {
      const scenario = (await client().get(
        `/api/scenarios/${encodeURIComponent(args[0] ?? "")}`,
      )) as Scenario;
      if (format !== "table") {
        print(terminal, format, scenario, { rows: [], columns: [] });
        return undefined;
      }
      print(terminal, format, scenario, {
        rows: fieldRows({
          id: scenario.id,
          title: scenario.title,
          area: scenario.technologyArea,
          company: `${scenario.company.name} (${scenario.company.industry})`,
          roles: scenario.roles,
          location: scenario.location,
          parameters: Object.keys(scenario.parameters ?? {}),
          description: scenario.description,
        }),
        columns: FIELD_COLUMNS,
      });
      const steps = Object.entries(scenario.steps).flatMap(([phase, list]) =>
        list.map((step, i) => ({ phase, number: i + 1, ...step })),
      );
      if (steps.length > 0) {
        terminal.write("");
        print(terminal, format, scenario, {
          rows: steps,
          columns: [
            { header: "PHASE", value: (s) => s.phase },
            { header: "#", value: (s) => s.number },
            { header: "ACTION", value: (s) => s.action },
            { header: "STEP", value: (s) => s.name },
          ],
        });
      }
      return undefined;
    },
  },
  {
    words: ["scenarios", "lint"],
    args: ["path..."],
    summary: "check scenario files or directories offline; exit 1 when any has a problem",
    async run({ terminal, format, args }) {
      const result = await lintScenarios(args);
      if (format !== "table") print(terminal, format, result, { rows: [], columns: [] });
      else {
        // One problem a line, file and field first, as editors and CI annotations expect.
        for (const p of result.problems)
          terminal.write(`${p.file}: ${p.path ? `${p.path}: ` : ""}${p.reason}`);
        const files = `${result.files.length} scenario file${result.files.length === 1 ? "" : "s"}`;
        const problems = result.problems.length;
        terminal.note(
          problems === 0
            ? `${files}, no problems`
            : `${files}, ${problems} problem${problems === 1 ? "" : "s"}`,
        );
      }
      return result.problems.length === 0 ? EXIT.ok : EXIT.failure;
    },
  },
];
