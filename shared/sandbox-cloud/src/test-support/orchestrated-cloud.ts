// Test helper: a sandbox with HayMaker's own identity registered as the tests name it ("orchestrator",
// Owner of the subscription, allowed to write the directory), and its credential.
import {
  type SandboxCloud,
  type SandboxCloudOptions,
  type SandboxCredential,
  startSandboxCloud,
} from "../index.ts";
import { credential } from "./clients.ts";

export async function startWithOrchestrator(
  options: SandboxCloudOptions = {},
): Promise<{ cloud: SandboxCloud; orchestrator: SandboxCredential }> {
  const cloud = await startSandboxCloud(options);
  cloud.registerPrincipal({
    clientId: "orchestrator",
    secret: "orchestrator-secret",
    subscriptionScopes: [`/subscriptions/${cloud.subscriptionId}`],
    directoryWriter: true,
  });
  return { cloud, orchestrator: credential(cloud, "orchestrator", "orchestrator-secret") };
}
