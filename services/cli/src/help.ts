// Help text, made from the command table so it cannot drift from what is parsed.
import type { Command } from "./command.ts";

const GLOBAL_HELP = [
  "--endpoint URL    the gateway (else HAYMAKER_ENDPOINT, else the local stack's local.json)",
  "--api-key KEY     the API key (else HAYMAKER_API_KEY, else the local stack's admin key)",
  "-o, --output FMT  table (default), json or yaml",
  "-h, --help        this help",
];

const synopsis = (c: Command) => [...c.words, ...(c.args ?? []).map((a) => `<${a}>`)].join(" ");

export function usage(commands: Command[], words: string[]): string {
  const shown = commands.filter((c) => words.every((word, i) => c.words[i] === word));
  const width = Math.max(...shown.map((c) => synopsis(c).length));
  return [
    "usage: haymaker <command> [options]",
    "",
    "commands:",
    ...shown.map((c) => `  ${synopsis(c).padEnd(width)}  ${c.summary}`),
    "",
    "global options:",
    ...GLOBAL_HELP.map((line) => `  ${line}`),
    "",
    "exit codes: 0 ok, 1 failure, 2 usage, 3 auth, 4 not found",
  ].join("\n");
}

export function helpFor(command: Command): string {
  return [
    `usage: haymaker ${synopsis(command)} [options]`,
    "",
    command.summary,
    ...(command.optionHelp?.length ? ["", "options:", ...command.optionHelp.map((l) => `  ${l}`)] : []),
    "",
    "global options:",
    ...GLOBAL_HELP.map((line) => `  ${line}`),
  ].join("\n");
}
