// config set / use / list / show / delete: named gateways and their keys, kept in the profiles file
// (see src/profiles.ts). Works without a gateway; never prints a whole key.
import { usageError } from "../cli-error.ts";
import { type Command, stringOption } from "../command.ts";
import { isPlainHttpElsewhere } from "../loopback.ts";
import { FIELD_COLUMNS, fieldRows, print } from "../output.ts";
import {
  checkProfileName,
  configPath,
  maskKey,
  type Profile,
  profileNamed,
  readProfiles,
  writeProfiles,
} from "../profiles.ts";
import { readLine } from "../prompt.ts";

const path = () => configPath(process.env);

export const configCommands: Command[] = [
  {
    words: ["config", "set"],
    args: ["name"],
    summary: "add or change a profile: a gateway and its key (the first profile becomes current)",
    options: { "api-key-stdin": { type: "boolean" }, insecure: { type: "boolean" } },
    optionHelp: [
      "--endpoint URL    the gateway's URL (required for a new profile)",
      "--api-key KEY     its API key (visible in shell history and ps: prefer --api-key-stdin)",
      "--api-key-stdin   read the API key from stdin",
      "--insecure        save a plain http endpoint on another machine (its key then crosses the network readable)",
    ],
    async run({ terminal, format, options, args }) {
      const name = checkProfileName(args[0] ?? "");
      const endpoint = stringOption(options, "endpoint");
      if (endpoint !== undefined) checkUrl(endpoint, options.insecure === true);
      const apiKey = await apiKeyOf(stringOption(options, "api-key"), options["api-key-stdin"] === true);
      const file = readProfiles(path());
      const before = file.profiles[name];
      if (before === undefined && endpoint === undefined) {
        throw usageError(`profile '${name}' is new: give its --endpoint URL`);
      }
      const profile: Profile = {
        endpoint: endpoint ?? before?.endpoint ?? "",
        ...((apiKey ?? before?.apiKey) ? { apiKey: apiKey ?? before?.apiKey } : {}),
      };
      file.profiles[name] = profile;
      file.current ??= name;
      writeProfiles(path(), file);
      print(terminal, format, describe(name, profile, file.current), {
        rows: fieldRows(describe(name, profile, file.current)),
        columns: FIELD_COLUMNS,
      });
      return undefined;
    },
  },
  {
    words: ["config", "use"],
    args: ["name"],
    summary: "make a profile the current one",
    async run({ terminal, format, args }) {
      const name = args[0] ?? "";
      const file = readProfiles(path());
      const profile = profileNamed(file, name, path());
      file.current = name;
      writeProfiles(path(), file);
      const shown = describe(name, profile, name);
      print(terminal, format, shown, { rows: fieldRows(shown), columns: FIELD_COLUMNS });
      return undefined;
    },
  },
  {
    words: ["config", "list"],
    summary: "list the profiles and which is current (never their keys)",
    async run({ terminal, format }) {
      const file = readProfiles(path());
      const items = Object.entries(file.profiles).map(([name, profile]) => ({
        name,
        endpoint: profile.endpoint,
        current: name === file.current,
        hasApiKey: profile.apiKey !== undefined,
      }));
      print(
        terminal,
        format,
        { current: file.current ?? null, items },
        {
          rows: items,
          columns: [
            { header: "CURRENT", value: (p) => (p.current ? "*" : "") },
            { header: "NAME", value: (p) => p.name },
            { header: "ENDPOINT", value: (p) => p.endpoint },
            { header: "API KEY", value: (p) => (p.hasApiKey ? "set" : "none") },
          ],
          empty: "(no profiles: add one with haymaker config set NAME --endpoint URL)",
        },
      );
      return undefined;
    },
  },
  {
    words: ["config", "show"],
    args: ["name?"],
    summary: "show a profile (the current one by default), its key masked",
    async run({ terminal, format, args }) {
      const file = readProfiles(path());
      const name = args[0] ?? file.current;
      if (name === undefined) {
        throw usageError("no profile is current: name one, or choose one with haymaker config use NAME");
      }
      const shown = describe(name, profileNamed(file, name, path()), file.current);
      print(terminal, format, shown, { rows: fieldRows(shown), columns: FIELD_COLUMNS });
      return undefined;
    },
  },
  {
    words: ["config", "delete"],
    args: ["name"],
    summary: "delete a profile (when it was current, none is then)",
    async run({ terminal, format, args }) {
      const name = args[0] ?? "";
      const file = readProfiles(path());
      profileNamed(file, name, path());
      delete file.profiles[name];
      if (file.current === name) delete file.current;
      writeProfiles(path(), file);
      print(
        terminal,
        format,
        { name, deleted: true },
        { rows: [{ field: "deleted", value: name }], columns: FIELD_COLUMNS },
      );
      return undefined;
    },
  },
];

/** What `config show` prints: the key only masked. */
function describe(name: string, profile: Profile, current: string | undefined) {
  return {
    name,
    endpoint: profile.endpoint,
    apiKey: profile.apiKey === undefined ? null : maskKey(profile.apiKey),
    current: name === current,
  };
}

function checkUrl(endpoint: string, insecure: boolean): void {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw usageError(`--endpoint must be a URL such as https://haymaker.example.com, not '${endpoint}'`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw usageError(`--endpoint must be an http or https URL, not '${endpoint}'`);
  }
  // A profile's key is sent on every call: refuse to make a habit of sending it readable.
  if (!insecure && isPlainHttpElsewhere(endpoint)) {
    throw usageError(
      `--endpoint ${endpoint} is plain http to another machine, so its API key would cross the network readable; use https, or pass --insecure to save it anyway (haymaker then warns each time it sends the key there)`,
    );
  }
}

async function apiKeyOf(flag: string | undefined, fromStdin: boolean): Promise<string | undefined> {
  if (flag !== undefined && fromStdin) throw usageError("give --api-key or --api-key-stdin, not both");
  if (!fromStdin) return flag;
  const key = (await readLine(process.stdin.isTTY ? "API key: " : undefined)).trim();
  if (key === "") throw usageError("--api-key-stdin read no key from stdin");
  return key;
}
