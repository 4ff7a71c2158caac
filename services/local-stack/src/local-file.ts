// local.json in the data directory: how tools (the CLI, tests, an operator's shell) find the running local
// stack without configuration. Written 0600 when the stack is up (it holds the sandbox credentials of
// HayMaker's own identity), removed when it stops.
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface LocalStackFile {
  pid: number;
  startedAt: string;
  /** The gateway, and the file holding the local admin API key (0600). */
  gateway: { url: string; apiKeyFile: string };
  broker: {
    port: number;
    connectionString: string;
    /** The broker's certificate, for amqps/wss clients. */
    certificateFile: string | undefined;
    configFile: string;
  };
  sandbox: {
    /** ARM, Microsoft Graph and the token endpoint, all on one origin. */
    url: string;
    tenantId: string;
    subscriptionId: string;
    /** HayMaker's own identity in the sandbox, so an operator can query it directly. */
    orchestrator: { clientId: string; clientSecret: string };
  };
}

export const LOCAL_FILE = "local.json";

export function writeLocalFile(dataDirectory: string, contents: LocalStackFile): string {
  const file = join(dataDirectory, LOCAL_FILE);
  writeFileSync(file, `${JSON.stringify(contents, null, 2)}\n`, { mode: 0o600 });
  return file;
}

export function removeLocalFile(dataDirectory: string): void {
  rmSync(join(dataDirectory, LOCAL_FILE), { force: true });
}
