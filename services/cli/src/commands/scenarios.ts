// scenarios list: the catalogue operators choose from.
import type { Command } from "../command.ts";
import { print } from "../output.ts";

interface ScenarioSummary {
  id: string;
  title: string;
  technologyArea: string;
  company: { name: string };
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
];
