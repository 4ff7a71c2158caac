// keys create / list / revoke: admin-only management of gateway API keys.
import { usageError } from "../cli-error.ts";
import { type Command, stringOption } from "../command.ts";
import { FIELD_COLUMNS, fieldRows, print } from "../output.ts";

const ROLES = ["reader", "operator", "admin"];

interface KeyRecord {
  id: string;
  name: string;
  role: string;
  createdAt: string;
  revokedAt?: string;
  key?: string;
}

export const keyCommands: Command[] = [
  {
    words: ["keys", "create"],
    summary: "create an API key (its secret is shown this once)",
    options: { role: { type: "string" }, name: { type: "string" } },
    optionHelp: [
      "--role ROLE       reader, operator or admin (required)",
      "--name NAME       who or what uses it (required)",
    ],
    async run({ client, terminal, format, options }) {
      const role = stringOption(options, "role");
      const name = stringOption(options, "name");
      if (role === undefined || name === undefined) {
        throw usageError("usage: haymaker keys create --role reader|operator|admin --name NAME");
      }
      if (!ROLES.includes(role)) throw usageError(`--role must be one of ${ROLES.join(", ")}, not '${role}'`);
      const created = (await client().post("/api/keys", { role, name })) as KeyRecord;
      print(terminal, format, created, { rows: fieldRows({ ...created }), columns: FIELD_COLUMNS });
      if (format === "table") terminal.note("Store the key now: the gateway keeps only its hash.");
      return undefined;
    },
  },
  {
    words: ["keys", "list"],
    summary: "list API keys (never their secrets)",
    async run({ client, terminal, format }) {
      const answer = (await client().get("/api/keys")) as { items: KeyRecord[] };
      print(terminal, format, answer, {
        rows: answer.items,
        columns: [
          { header: "ID", value: (k) => k.id },
          { header: "ROLE", value: (k) => k.role },
          { header: "NAME", value: (k) => k.name },
          { header: "CREATED", value: (k) => k.createdAt },
          { header: "REVOKED", value: (k) => k.revokedAt },
        ],
        empty: "(no keys)",
      });
      return undefined;
    },
  },
  {
    words: ["keys", "revoke"],
    args: ["id"],
    summary: "revoke an API key at once",
    async run({ client, terminal, format, args }) {
      const id = args[0] ?? "";
      await client().delete(`/api/keys/${encodeURIComponent(id)}`);
      print(
        terminal,
        format,
        { id, revoked: true },
        { rows: [{ field: "revoked", value: id }], columns: FIELD_COLUMNS },
      );
      return undefined;
    },
  },
];
