// The ARM + Graph adapter against the sandbox cloud, through the same environment variables the services
// read: the whole contract, plus what only a real HTTP endpoint can show (refusals, the Activity Log).
import { ResourceManagementClient } from "@azure/arm-resources";
import {
  SandboxCredential,
  sandboxArmClientOptions,
  useSandboxAuthentication,
} from "@haymaker/sandbox-cloud";
import { startSandboxWithOrchestrator } from "@haymaker/testing";
import { describe, expect, it } from "vitest";
import { CloudControlError } from "../cloud-control.ts";
import { cloudControlFromEnv } from "../from-env.ts";
import { describeCloudControlContract } from "../testing/cloud-control-contract.ts";

async function sandboxWithOrchestrator() {
  const { sandbox, cloudEnv, clientId, clientSecret } = await startSandboxWithOrchestrator();
  return { sandbox, env: cloudEnv, clientId, secret: clientSecret };
}

function armClient(
  url: string,
  tenantId: string,
  subscriptionId: string,
  clientId: string,
  clientSecret: string,
) {
  const credential = new SandboxCredential({ authorityHost: url, tenantId, clientId, clientSecret });
  return useSandboxAuthentication(
    new ResourceManagementClient(credential, subscriptionId, sandboxArmClientOptions(url)),
    credential,
  );
}

describeCloudControlContract("ARM + Graph on the sandbox cloud", async () => {
  const { sandbox, env, clientId, secret } = await sandboxWithOrchestrator();
  const arm = armClient(sandbox.url, sandbox.tenantId, sandbox.subscriptionId, clientId, secret);
  return {
    cloud: cloudControlFromEnv(env, "test"),
    putResource: async (group, type, name, tags) => {
      const id = `/subscriptions/${sandbox.subscriptionId}/resourceGroups/${group}/providers/${type}/${name}`;
      await arm.resources.beginCreateOrUpdateByIdAndWait(
        id,
        "2024-05-01",
        { location: "westeurope", tags },
        { updateIntervalInMs: 0 },
      );
      return id;
    },
    close: () => sandbox.close(),
  };
});

describe("ARM + Graph adapter on the sandbox cloud", () => {
  it("gives an identity that can act in its own resource group only, and is refused once deleted", async () => {
    const { sandbox, env } = await sandboxWithOrchestrator();
    try {
      const cloud = cloudControlFromEnv(env, "test");
      const mine = await cloud.ensureResourceGroup("rg-mine", "westeurope", { "haymaker-run": "r1" });
      await cloud.ensureResourceGroup("rg-other", "westeurope", { "haymaker-run": "r1" });
      const { identity, secret } = await cloud.createIdentity("haymaker-r1-a01", { "haymaker-run": "r1" });
      await cloud.assignRole(identity.servicePrincipalId, { role: "Contributor", scope: mine });

      const agent = armClient(sandbox.url, sandbox.tenantId, sandbox.subscriptionId, identity.appId, secret);
      const nsg = (group: string) =>
        `/subscriptions/${sandbox.subscriptionId}/resourceGroups/${group}/providers/Microsoft.Network/networkSecurityGroups/nsg`;
      await agent.resources.beginCreateOrUpdateByIdAndWait(
        nsg("rg-mine"),
        "2024-05-01",
        { location: "westeurope" },
        { updateIntervalInMs: 0 },
      );
      await expect(
        agent.resources.beginCreateOrUpdateByIdAndWait(
          nsg("rg-other"),
          "2024-05-01",
          { location: "westeurope" },
          { updateIntervalInMs: 0 },
        ),
      ).rejects.toMatchObject({ statusCode: 403, code: "AuthorizationFailed" });

      const from = new Date(Date.now() - 60_000);
      const records = await cloud.activity(from, new Date(Date.now() + 1000), identity.appId);
      expect(records.map((r) => [r.httpMethod, r.status, r.resourceId.toLowerCase()])).toEqual(
        expect.arrayContaining([
          ["PUT", expect.stringMatching(/Succeeded|Accepted/), nsg("rg-mine").toLowerCase()],
          ["PUT", "Failed", nsg("rg-other").toLowerCase()],
        ]),
      );
      expect(records.every((r) => r.caller === identity.appId)).toBe(true);

      await cloud.deleteIdentity(identity);
      await expect(agent.resources.getById(nsg("rg-mine"), "2024-05-01")).rejects.toMatchObject({
        statusCode: 401,
      });
    } finally {
      await sandbox.close();
    }
  });

  it("reports a refused call as a non-retryable CloudControlError without the secret", async () => {
    const { sandbox, env } = await sandboxWithOrchestrator();
    try {
      const wrong = cloudControlFromEnv({ ...env, HAYMAKER_CLIENT_SECRET: "not-the-secret" }, "test");
      const error = await wrong.check().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(Error);
      expect(String((error as Error).message)).not.toContain("not-the-secret");
    } finally {
      await sandbox.close();
    }
  });

  it("names every bad variable before touching the network", () => {
    expect(() =>
      cloudControlFromEnv(
        { HAYMAKER_TENANT_ID: "nope", HAYMAKER_ARM_ENDPOINT: "http://127.0.0.1:1" },
        "provision",
      ),
    ).toThrow(/HAYMAKER_TENANT_ID[\s\S]*HAYMAKER_SUBSCRIPTION_ID/);
  });

  it("classifies statuses for retry", () => {
    expect(new CloudControlError("x", { status: 429 }).retryable).toBe(true);
    expect(new CloudControlError("x", { status: 409 }).retryable).toBe(true);
    expect(new CloudControlError("x", { status: 503 }).retryable).toBe(true);
    expect(new CloudControlError("x").retryable).toBe(true);
    expect(new CloudControlError("x", { status: 403 }).retryable).toBe(false);
    expect(new CloudControlError("x", { status: 404 }).retryable).toBe(false);
  });
});
