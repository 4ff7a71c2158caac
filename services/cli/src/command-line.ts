// Splits argv into the command's words, the global options and the command's own options. node:util
// parseArgs does the strict parsing, so an unknown flag or a missing value is a usage error (exit 2).
import { type ParseArgsOptionsConfig, parseArgs } from "node:util";
import { usageError } from "./cli-error.ts";
import type { Command, OptionValues } from "./command.ts";

export const GLOBAL_OPTIONS: ParseArgsOptionsConfig = {
  endpoint: { type: "string" },
  "api-key": { type: "string" },
  profile: { type: "string" },
  output: { type: "string", short: "o" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
};

export interface CommandLine {
  command: Command | undefined;
  /** The words typed before they failed to name a command, for help on a group (`haymaker keys`). */
  words: string[];
  options: OptionValues;
  args: string[];
}

export function parseCommandLine(argv: string[], commands: Command[]): CommandLine {
  const words = leadingWords(argv);
  const command = commands
    .filter((c) => c.words.every((word, i) => words[i] === word))
    .sort((a, b) => b.words.length - a.words.length)[0];
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...GLOBAL_OPTIONS, ...command?.options },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw usageError((error as Error).message.replace(/\. To specify .*$/s, ""));
  }
  const positionals = parsed.positionals.slice(command?.words.length ?? 0);
  const options = parsed.values as OptionValues;
  if (command !== undefined && options.help !== true) checkArgCount(command, positionals);
  return { command, words, options, args: positionals };
}

/**
 * Required args must all be there; only a trailing "name?" may be missing, only "path..." may repeat, and
 * "id...?" may repeat or be missing altogether.
 */
function checkArgCount(command: Command, positionals: string[]): void {
  const expected = command.args ?? [];
  const last = expected.at(-1) ?? "";
  const min = last.endsWith("?") ? expected.length - 1 : expected.length;
  const max = last.replace(/\?$/, "").endsWith("...") ? Number.POSITIVE_INFINITY : expected.length;
  if (positionals.length >= min && positionals.length <= max) return;
  throw usageError(
    `usage: haymaker ${synopsis(command)}${positionals.length > max ? ` (unexpected '${positionals[max]}')` : ""}`,
  );
}

/** `executions show <id>`, `config show [name]`, `scenarios lint <path>...`, `dlq replay [<id>...]`. */
export function synopsis(command: Command): string {
  const args = (command.args ?? []).map((arg) =>
    arg.endsWith("...?")
      ? `[<${arg.slice(0, -4)}>...]`
      : arg.endsWith("?")
        ? `[${arg.slice(0, -1)}]`
        : arg.endsWith("...")
          ? `<${arg.slice(0, -3)}>...`
          : `<${arg}>`,
  );
  return [...command.words, ...args].join(" ");
}

/** The positional words in argv, skipping global options and their values. */
function leadingWords(argv: string[]): string[] {
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] ?? "";
    if (token === "--") break;
    if (token.startsWith("-")) {
      const name = token.replace(/^--?/, "");
      const global = Object.entries(GLOBAL_OPTIONS).find(([long, o]) => long === name || o.short === name);
      if (global?.[1].type === "string" && !token.includes("=")) i++;
      else if (global === undefined) break; // A command option: the command's words are all behind us.
      continue;
    }
    words.push(token);
  }
  return words;
}
