// Runs the interoperability clients written in Python (interop/: Qpid Proton, Microsoft's Python SDK) against a
// test broker. A client missing from this machine fails its test, saying what to install, never skips it.
import { execFileSync, spawn } from "node:child_process";

const PYTHON = "/usr/bin/python3";

/** Throws `missing` unless Python can import every one of `modules` (comma-separated, as in `import`). */
export function requirePythonModules(modules: string, missing: string): void {
  try {
    execFileSync(PYTHON, ["-c", `import ${modules}`], { stdio: "ignore" });
  } catch {
    throw new Error(missing);
  }
}

/**
 * Runs `script` with `args` and `env` added to this process's environment, killed after `timeoutMs`;
 * resolves with the JSON object it prints last, or rejects with the end of what it wrote to stderr.
 */
export function runPythonClient(
  label: string,
  script: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs: number,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [script, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...env },
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.stderr.on("data", (chunk) => (err += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(JSON.parse(out.trim().split("\n").at(-1) ?? "{}"));
      else reject(new Error(`${label} exited ${code}: ${err.slice(-3000)}`));
    });
  });
}
