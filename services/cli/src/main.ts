// The haymaker command line: parses argv, finds the gateway, runs one command, exits with a code that
// says how it went (see README.md). Errors are one line on stderr, never a stack trace.
import { CliError, EXIT, type ExitCode, errorLine } from "./cli-error.ts";
import type { Command } from "./command.ts";
import { parseCommandLine } from "./command-line.ts";
import { agentCommands } from "./commands/agents.ts";
import { cleanupCommands } from "./commands/cleanup.ts";
import { configCommands } from "./commands/config.ts";
import { dlqCommands } from "./commands/dlq.ts";
import { executionActionCommands } from "./commands/execution-actions.ts";
import { executionCommands } from "./commands/executions.ts";
import { identityCommands } from "./commands/identities.ts";
import { keyCommands } from "./commands/keys.ts";
import { logCommands } from "./commands/logs.ts";
import { metricsCommands } from "./commands/metrics.ts";
import { resourceCommands } from "./commands/resources.ts";
import { runCommands } from "./commands/run.ts";
import { scenarioCommands } from "./commands/scenarios.ts";
import { statusCommands } from "./commands/status.ts";
import { resolveEndpoint } from "./endpoint.ts";
import { GatewayClient } from "./gateway-client.ts";
import { helpFor, usage } from "./help.ts";
import { outputFormatOf, processTerminal } from "./output.ts";

export const COMMANDS: Command[] = [
  ...statusCommands,
  ...scenarioCommands,
  ...runCommands,
  ...executionCommands,
  ...executionActionCommands,
  ...agentCommands,
  ...logCommands,
  ...resourceCommands,
  ...identityCommands,
  ...metricsCommands,
  ...cleanupCommands,
  ...dlqCommands,
  ...keyCommands,
  ...configCommands,
];

export async function main(argv = process.argv.slice(2)): Promise<void> {
  process.exitCode = await runCli(argv);
}

async function runCli(argv: string[]): Promise<ExitCode> {
  const terminal = processTerminal();
  try {
    const line = parseCommandLine(argv, COMMANDS);
    if (line.options.version === true) {
      terminal.write("haymaker 0.1.0");
      return EXIT.ok;
    }
    if (line.command === undefined) {
      if (line.options.help === true || line.words.length === 0) {
        terminal.write(usage(COMMANDS, line.words));
        return EXIT.ok;
      }
      throw new CliError(`unknown command '${line.words.join(" ")}'; see haymaker --help`, EXIT.usage);
    }
    if (line.options.help === true) {
      terminal.write(helpFor(line.command));
      return EXIT.ok;
    }
    const format = outputFormatOf(line.options.output as string | undefined);
    let client: GatewayClient | undefined;
    const exitCode = await line.command.run({
      client: () => {
        client ??= new GatewayClient(
          resolveEndpoint(
            {
              endpoint: line.options.endpoint as string | undefined,
              apiKey: line.options["api-key"] as string | undefined,
              profile: line.options.profile as string | undefined,
            },
            process.env,
            (line) => terminal.note(line),
          ),
        );
        return client;
      },
      terminal,
      format,
      options: line.options,
      args: line.args,
    });
    return exitCode ?? EXIT.ok;
  } catch (error) {
    if (error instanceof CliError) {
      terminal.note(errorLine(error));
      return error.exitCode;
    }
    // A bug in the CLI itself: still one line, so the operator sees the message rather than a trace.
    terminal.note(`haymaker: unexpected error: ${(error as Error).message ?? String(error)}`);
    return EXIT.failure;
  }
}
