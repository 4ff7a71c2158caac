// The ARM SDK client the agent works through, signed in as the agent's own identity: Entra ID in Azure, the
// sandbox cloud's token endpoint locally. Either way the same ResourceManagementClient, policies included.
// Each mode loads only its own credential module: @azure/identity (with MSAL) and the sandbox cloud (with
// its server) are both large, and an agent in Azure has no use for the sandbox's code at all.
import { ResourceManagementClient } from "@azure/arm-resources";
import { reportingRefusedSignIn } from "./sign-in.ts";

export interface ArmIdentity {
  subscriptionId: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  armEndpoint: string;
  authorityHost: string;
  /** The ARM endpoint is the sandbox cloud (plain http on loopback). */
  sandbox: boolean;
}

const USER_AGENT_PREFIX = "haymaker-agent/0.1.0";

export async function createArmClient(identity: ArmIdentity): Promise<ResourceManagementClient> {
  const { subscriptionId, tenantId, clientId, clientSecret, armEndpoint, authorityHost } = identity;
  const userAgentOptions = { userAgentPrefix: USER_AGENT_PREFIX };
  if (identity.sandbox) {
    // @azure/identity refuses http authorities, and the SDK's bearer policy refuses http endpoints; the
    // sandbox ships a credential and an auth policy of its own that only ever sign loopback requests.
    const { SandboxCredential, sandboxArmClientOptions, useSandboxAuthentication } = await import(
      "@haymaker/sandbox-cloud"
    );
    const credential = reportingRefusedSignIn(
      new SandboxCredential({ authorityHost, tenantId, clientId, clientSecret }),
    );
    const client = new ResourceManagementClient(credential, subscriptionId, {
      ...sandboxArmClientOptions(armEndpoint),
      userAgentOptions,
    });
    return useSandboxAuthentication(client, credential);
  }
  const { ClientSecretCredential } = await import("@azure/identity");
  const credential = reportingRefusedSignIn(
    new ClientSecretCredential(tenantId, clientId, clientSecret, { authorityHost }),
  );
  return new ResourceManagementClient(credential, subscriptionId, {
    endpoint: armEndpoint,
    credentials: { scopes: [`${armEndpoint}/.default`] },
    userAgentOptions,
  });
}
