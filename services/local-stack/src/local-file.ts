// local.json in the data directory: how tools (the CLI, tests, an operator's shell) find the running local
// stack without configuration. Written 0600 when the stack is up (it holds the sandbox credentials of
// HayMaker's own identity), removed when it stops. The CLI trusts it only as this writes it: a regular
// file of the user's, 0600 whatever was there before, naming a loopback gateway and the running stack's pid.
import { chmodSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomically } from "@haymaker/stores";

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
  /** The Azure profile's stand-ins (HAYMAKER_PROFILE=azure), with the credentials to look into them. */
  azure?: {
    keyVault: string;
    agentJob: string;
    reports: { blobEndpoint: string; connectionString: string };
    state: { endpoint: string; key: string };
  };
}

export const LOCAL_FILE = "local.json";

export async function writeLocalFile(dataDirectory: string, contents: LocalStackFile): Promise<string> {
  const file = join(dataDirectory, LOCAL_FILE);
  // The CLI ignores local.json in a directory others may change (they could swap the file). A data
  // directory made before by a tool with a group-writable umask gets those bits taken away here.
  const mode = statSync(dataDirectory).mode & 0o777;
  if ((mode & 0o022) !== 0) chmodSync(dataDirectory, mode & ~0o022);
  // A new file, 0600 whatever was there (a readable file, a link), whole or not at all.
  await writeFileAtomically(file, `${JSON.stringify(contents, null, 2)}\n`, { mode: 0o600 });
  return file;
}

export function removeLocalFile(dataDirectory: string): void {
  rmSync(join(dataDirectory, LOCAL_FILE), { force: true });
}
