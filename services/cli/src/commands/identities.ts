// identities list: the service principals provisioned for agents (never a secret, nor where one is kept).
import { type Command, stringOption } from "../command.ts";
import { print } from "../output.ts";
import { ALL_HELP, ALL_OPTION, noteMorePages, readPages } from "../pages.ts";

interface IdentitySummary {
  runId: string;
  agentId: string;
  scenarioId: string;
  displayName?: string;
  appId?: string;
  createdAt?: string;
  identityDeleted: boolean;
  secretDeleted: boolean;
  deletedAt?: string;
}

export const identityCommands: Command[] = [
  {
    words: ["identities", "list"],
    summary: "list the identities provisioned for agents, and whether cleanup deleted them",
    options: { execution: { type: "string" }, ...ALL_OPTION },
    optionHelp: ["--execution RUN   only this run's", ALL_HELP],
    async run({ client, terminal, format, options }) {
      const answer = await readPages<IdentitySummary>(
        client(),
        "/api/identities",
        { executionId: stringOption(options, "execution") },
        options.all === true,
      );
      print(terminal, format, answer, {
        rows: answer.items,
        columns: [
          { header: "RUN", value: (i) => i.runId },
          { header: "AGENT", value: (i) => i.agentId },
          { header: "SCENARIO", value: (i) => i.scenarioId },
          { header: "NAME", value: (i) => i.displayName },
          { header: "APP ID", value: (i) => i.appId },
          { header: "CREATED", value: (i) => i.createdAt },
          { header: "DELETED", value: (i) => (i.identityDeleted ? (i.deletedAt ?? "yes") : "no") },
        ],
        empty: "(no identities)",
      });
      noteMorePages(terminal, answer, "identities");
      return undefined;
    },
  },
];
