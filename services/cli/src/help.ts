// Help text, made from the command table so it cannot drift from what is parsed.
import type { Command } from "./command.ts";
import { synopsis } from "./command-line.ts";

const GLOBAL_HELP = [
  "--endpoint URL    the gateway (else HAYMAKER_ENDPOINT, else a profile, else the local stack)",
  "--api-key KEY     the API key (else HAYMAKER_API_KEY, else the profile's or the local stack's key)",
  "--profile NAME    a profile from `haymaker config` (else HAYMAKER_PROFILE, else the current one)",
  "-o, --output FMT  table (default), json or yaml",
  "-h, --help        this help",
];

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
    "`haymaker <command> --help` shows a command's own options.",
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
