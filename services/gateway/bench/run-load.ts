// Runs load.ts as a second process with this Node and waits for its result, calling back when the measured
// part starts and ends (so the server side can measure, or profile, exactly that window).
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { AutocannonResult, LoadMessage, LoadSettings } from "./load.ts";

const LOAD = fileURLToPath(new URL("./load.ts", import.meta.url));

export interface MeasuredWindow {
  started(): void | Promise<void>;
  ended(): void | Promise<void>;
}

export function runLoad(settings: LoadSettings, window: MeasuredWindow): Promise<AutocannonResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LOAD, JSON.stringify(settings)], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let result: AutocannonResult | undefined;
    // The window's callbacks may be slow (writing a profile); the result waits for them.
    let callbacks: Promise<void> = Promise.resolve();
    child.on("message", (message: LoadMessage) => {
      if (message.phase === "measuring") callbacks = callbacks.then(() => window.started());
      if (message.phase === "done") {
        result = message.result;
        callbacks = callbacks.then(() => window.ended());
      }
    });
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      callbacks.then(() => {
        if (result !== undefined) resolve(result);
        else reject(new Error(`the load generator exited (${signal ?? code}) without a result`));
      }, reject);
    });
  });
}
