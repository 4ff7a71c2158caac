// The sandbox cloud with HayMaker's own identity registered in it (Owner of the subscription, allowed to
// write the directory), and the environment a service reads to act as that identity.
import { randomUUID } from "node:crypto";
import { type SandboxCloud, type SandboxCloudOptions, startSandboxCloud } from "@haymaker/sandbox-cloud";

export interface SandboxWithOrchestrator {
  sandbox: SandboxCloud;
  clientId: string;
  clientSecret: string;
  /** HAYMAKER_TENANT_ID, _SUBSCRIPTION_ID, _ARM_ENDPOINT, _CLIENT_ID, _CLIENT_SECRET. */
  cloudEnv: Record<string, string>;
}

/** `options` go to the sandbox as they are: realism, faults, a data directory. */
export async function startSandboxWithOrchestrator(
  options: SandboxCloudOptions = {},
): Promise<SandboxWithOrchestrator> {
  const sandbox = await startSandboxCloud({ port: 0, ...options });
  const clientId = randomUUID();
  const clientSecret = `orchestrator-${randomUUID()}`;
  sandbox.registerPrincipal({
    clientId,
    secret: clientSecret,
    subscriptionScopes: [`/subscriptions/${sandbox.subscriptionId}`],
    directoryWriter: true,
  });
  return {
    sandbox,
    clientId,
    clientSecret,
    cloudEnv: {
      HAYMAKER_TENANT_ID: sandbox.tenantId,
      HAYMAKER_SUBSCRIPTION_ID: sandbox.subscriptionId,
      HAYMAKER_ARM_ENDPOINT: sandbox.url,
      HAYMAKER_CLIENT_ID: clientId,
      HAYMAKER_CLIENT_SECRET: clientSecret,
    },
  };
}
