// Test helpers: run the real haymaker binary as a child process, and serve an app on a local port.
import { type ChildProcess, execFile } from "node:child_process";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";

const BIN = fileURLToPath(new URL("../bin/haymaker.js", import.meta.url));

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Running {
  child: ChildProcess;
  result: Promise<Result>;
}

/**
 * Starts the CLI asynchronously (the gateway answers from this same process, so it must not block) with
 * a bare environment: no local stack, no colour, no profiles file unless the test names one.
 */
export function startHaymaker(
  args: string[],
  env: Record<string, string> = {},
  input?: string,
  cwd?: string,
): Running {
  let child: ChildProcess | undefined;
  const result = new Promise<Result>((resolve) => {
    child = execFile(
      process.execPath,
      [BIN, ...args],
      {
        env: {
          PATH: process.env.PATH ?? "",
          HAYMAKER_DATA_DIR: "/nonexistent",
          HAYMAKER_CONFIG: "/nonexistent/config.json",
          NO_COLOR: "1",
          ...env,
        },
        ...(cwd === undefined ? {} : { cwd }),
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? (error.signal ? 128 : 1)) : 0, stdout, stderr }),
    );
  });
  if (child === undefined) throw new Error("execFile started no process");
  if (input !== undefined) child.stdin?.end(input);
  else child.stdin?.end();
  return { child, result };
}

/** Runs the CLI to its end; `cwd` is the directory it starts in (the test's own by default). */
export const haymaker = (args: string[], env: Record<string, string> = {}, input?: string, cwd?: string) =>
  startHaymaker(args, env, input, cwd).result;

/**
 * Runs the CLI on a pseudo-terminal (util-linux script), so stdin, stdout and stderr are TTYs; stdout
 * then holds everything the terminal showed. `input` is typed a moment after start, as a person would,
 * so the terminal does not swallow it.
 */
export function onTerminal(args: string[], env: Record<string, string>, input: string): Promise<Result> {
  const command = [process.execPath, BIN, ...args].map((word) => `'${word}'`).join(" ");
  return new Promise((resolve) => {
    const child = execFile(
      "script",
      ["-qec", command, "/dev/null"],
      { env: { PATH: process.env.PATH ?? "", HAYMAKER_DATA_DIR: "/nonexistent", ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
    setTimeout(() => child.stdin?.end(input), 1500);
  });
}

/** Serves `fetch` on 127.0.0.1 at a free port; close() stops it. */
export async function serveOnLocalPort(
  fetch: (request: Request) => Response | Promise<Response>,
): Promise<{ url: string; close(): void }> {
  const server = serve({ fetch, hostname: "127.0.0.1", port: 0 });
  await new Promise((resolve) => server.once("listening", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      // Streams left open (a followed log) would keep close() waiting for ever.
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      server.close();
    },
  };
}
