// What a command is: its words, its options (node:util parseArgs shapes) and what it does with a context.
import type { ParseArgsOptionsConfig } from "node:util";
import type { ExitCode } from "./cli-error.ts";
import type { GatewayClient } from "./gateway-client.ts";
import type { OutputFormat, Terminal } from "./output.ts";

export type OptionValues = Record<string, string | boolean | string[] | undefined>;

export interface CommandContext {
  /** Made on first use, so `--help` and usage errors never need a gateway. */
  client(): GatewayClient;
  terminal: Terminal;
  format: OutputFormat;
  options: OptionValues;
  args: string[];
}

export interface Command {
  words: string[];
  /**
   * Positional arguments, named for help and usage errors: "id" is required, "name?" optional,
   * "path..." one or more and "id...?" any number (only the last may be other than required).
   */
  args?: string[];
  summary: string;
  options?: ParseArgsOptionsConfig;
  /** Help text for the options, one line each. */
  optionHelp?: string[];
  run(context: CommandContext): Promise<ExitCode | undefined>;
}

export function stringOption(options: OptionValues, name: string): string | undefined {
  const value = options[name];
  return typeof value === "string" ? value : undefined;
}

export function listOption(options: OptionValues, name: string): string[] {
  const value = options[name];
  return Array.isArray(value) ? value : [];
}
