// The identity HayMaker itself runs as in the sandbox cloud: created on the first start, kept 0600 in the
// data directory and registered again on every start, so a second `make run` keeps the same credentials.
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { SandboxCloud } from "@haymaker/sandbox-cloud";

export interface OrchestratorIdentity {
  clientId: string;
  clientSecret: string;
}

const FILE = "orchestrator-identity.json";

export function orchestratorIdentity(dataDirectory: string, sandbox: SandboxCloud): OrchestratorIdentity {
  const file = join(dataDirectory, FILE);
  let identity: OrchestratorIdentity;
  if (existsSync(file)) {
    identity = JSON.parse(readFileSync(file, "utf8")) as OrchestratorIdentity;
  } else {
    identity = { clientId: randomUUID(), clientSecret: randomBytes(32).toString("base64url") };
    writeFileSync(file, `${JSON.stringify(identity, null, 2)}\n`, { mode: 0o600 });
  }
  // HayMaker's own identity: Owner of the subscription and allowed to write the directory, as the
  // production identity is granted in Azure (see infra/bicep).
  sandbox.registerPrincipal({
    clientId: identity.clientId,
    secret: identity.clientSecret,
    subscriptionScopes: [`/subscriptions/${sandbox.subscriptionId}`],
    directoryWriter: true,
  });
  return identity;
}
