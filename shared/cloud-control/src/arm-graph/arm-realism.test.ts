// The ARM + Graph adapter against a sandbox that behaves as Azure does where cleanup depends on it: tag-filtered
// lists answer without tags (so listTagged must not match tags on them), and ARM throttles each caller.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { ResourceManagementClient } from "@azure/arm-resources";
import {
  type Realism,
  SandboxCredential,
  sandboxArmClientOptions,
  useSandboxAuthentication,
} from "@haymaker/sandbox-cloud";
import { startSandboxWithOrchestrator } from "@haymaker/testing";
import { describe, expect, it } from "vitest";
import { cloudControlFromEnv } from "../from-env.ts";
import { describeCloudControlContract } from "../testing/cloud-control-contract.ts";

async function sandboxWith(realism: Partial<Realism>) {
  const { sandbox, cloudEnv, clientId, clientSecret } = await startSandboxWithOrchestrator({ realism });
  const credential = new SandboxCredential({
    authorityHost: sandbox.url,
    tenantId: sandbox.tenantId,
    clientId,
    clientSecret,
  });
  const arm = useSandboxAuthentication(
    new ResourceManagementClient(credential, sandbox.subscriptionId, sandboxArmClientOptions(sandbox.url)),
    credential,
  );
  const putResource = async (group: string, type: string, name: string, tags: Record<string, string>) => {
    const id = `/subscriptions/${sandbox.subscriptionId}/resourceGroups/${group}/providers/${type}/${name}`;
    await arm.resources.beginCreateOrUpdateByIdAndWait(
      id,
      "2024-05-01",
      { location: "westeurope", tags },
      { updateIntervalInMs: 0 },
    );
    return id;
  };
  return { sandbox, env: cloudEnv, putResource };
}

describeCloudControlContract("ARM + Graph on a sandbox whose tag-filtered lists carry no tags", async () => {
  const { sandbox, env, putResource } = await sandboxWith({ tagFilteredListsOmitTags: true });
  return { cloud: cloudControlFromEnv(env, "test"), putResource, close: () => sandbox.close() };
});

describe("listTagged when ARM answers tag-filtered lists without tags", () => {
  it("finds every leftover of a run with all its tags, and only what carries every tag asked for", async () => {
    const { sandbox, env, putResource } = await sandboxWith({ tagFilteredListsOmitTags: true });
    try {
      const cloud = cloudControlFromEnv(env, "test");
      const run = `run-${randomUUID().slice(0, 8)}`;
      const tags = (agent: string, scenario = "storage") => ({
        "haymaker-managed": "true",
        "haymaker-run": run,
        "haymaker-agent": agent,
        "haymaker-scenario": scenario,
      });
      const group1 = await cloud.ensureResourceGroup(`haymaker-${run}-a01`, "westeurope", tags("a01"));
      const group2 = await cloud.ensureResourceGroup(`haymaker-${run}-a02`, "westeurope", tags("a02", "vm"));
      const nsg = await putResource(
        `haymaker-${run}-a01`,
        "Microsoft.Network/networkSecurityGroups",
        "nsg1",
        tags("a01"),
      );
      const pip = await putResource(
        `haymaker-${run}-a02`,
        "Microsoft.Network/publicIPAddresses",
        "pip1",
        tags("a02", "vm"),
      );
      // Tagged with the run but not managed by HayMaker: an operator's cleanup must not reach it.
      await putResource(`haymaker-${run}-a02`, "Microsoft.Network/publicIPAddresses", "mine", {
        "haymaker-run": run,
      });

      // What an operator's cleanup of the run asks, and what it reads each leftover's agent from.
      const byRun = await cloud.listTagged({ "haymaker-managed": "true", "haymaker-run": run });
      const byId = (found: { resourceId: string }[]) => found.map((r) => r.resourceId.toLowerCase()).sort();
      expect(byId(byRun)).toEqual([group1, group2, nsg, pip].map((id) => id.toLowerCase()).sort());
      for (const found of byRun) {
        const agent = found.resourceId.toLowerCase().includes("-a01") ? "a01" : "a02";
        expect(found.tags).toEqual(tags(agent, agent === "a01" ? "storage" : "vm"));
      }
      expect(byRun.find((r) => r.resourceId === pip)?.type).toBe("Microsoft.Network/publicIPAddresses");

      // What verify-cleanup asks for one agent, and what an operator's cleanup of one scenario asks.
      const agent1 = await cloud.listTagged({ "haymaker-run": run, "haymaker-agent": "a01" });
      expect(byId(agent1)).toEqual([group1, nsg].map((id) => id.toLowerCase()).sort());
      const vm = await cloud.listTagged({ "haymaker-managed": "true", "haymaker-scenario": "vm" });
      expect(byId(vm)).toEqual([group2, pip].map((id) => id.toLowerCase()).sort());
    } finally {
      await sandbox.close();
    }
  });
});

/** One request as it reached the cloud, and what the cloud answered. */
interface Exchange {
  method: string;
  path: string;
  at: number;
  status: number;
  retryAfterSeconds: number | undefined;
}

/**
 * A loopback proxy in front of the sandbox that records every request the adapter really sent — the SDK's
 * retries included, which the adapter's own callers never see.
 */
async function recordingProxy(target: string) {
  const exchanges: Exchange[] = [];
  const body = async (request: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };
  const server = createServer(async (request, response) => {
    const at = Date.now();
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === "string" && name !== "host" && name !== "connection") headers.set(name, value);
    }
    const sent = await body(request);
    const answer = await fetch(`${target}${request.url}`, {
      method: request.method ?? "GET",
      headers,
      ...(sent.length > 0 ? { body: sent } : {}),
    });
    const retryAfter = answer.headers.get("retry-after");
    exchanges.push({
      method: request.method ?? "GET",
      path: new URL(request.url ?? "/", target).pathname.toLowerCase(),
      at,
      status: answer.status,
      retryAfterSeconds: retryAfter === null ? undefined : Number(retryAfter),
    });
    const copied: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      if (!["content-encoding", "content-length", "transfer-encoding", "connection"].includes(name))
        copied[name] = value;
    });
    response.writeHead(answer.status, copied);
    response.end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    exchanges,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("ARM throttling", () => {
  it("finishes a burst of calls from one identity by waiting as each Retry-After says", async () => {
    // Two writes and two reads a second: a dozen calls at once need six windows.
    const { sandbox, env } = await sandboxWith({ throttling: { requests: 2, windowMs: 1000 } });
    const proxy = await recordingProxy(sandbox.url);
    try {
      const cloud = cloudControlFromEnv({ ...env, HAYMAKER_ARM_ENDPOINT: proxy.url }, "test");
      const names = Array.from({ length: 12 }, (_, i) => `rg-throttled-${i}`);
      const ids = await Promise.all(
        names.map((name) => cloud.ensureResourceGroup(name, "westeurope", { "haymaker-run": "busy" })),
      );
      expect(ids).toHaveLength(12);
      const found = await cloud.listTagged({ "haymaker-run": "busy" });
      expect(found.map((r) => r.resourceId.toLowerCase()).sort()).toEqual(
        ids.map((id) => id.toLowerCase()).sort(),
      );
      await expect(
        Promise.all(names.slice(0, 6).map((name) => cloud.deleteResourceGroup(name))),
      ).resolves.toEqual(Array(6).fill("deleted"));

      const refused = proxy.exchanges.filter((exchange) => exchange.status === 429);
      expect(refused.length).toBeGreaterThan(6);
      for (const refusal of refused) {
        expect(refusal.retryAfterSeconds).toBeGreaterThanOrEqual(1);
        // The same request again: not before Retry-After said.
        const retry = proxy.exchanges.find(
          (exchange) =>
            exchange.at > refusal.at && exchange.method === refusal.method && exchange.path === refusal.path,
        );
        expect(retry, `${refusal.method} ${refusal.path} was not retried`).toBeDefined();
        expect((retry?.at ?? 0) - refusal.at).toBeGreaterThanOrEqual(
          (refusal.retryAfterSeconds ?? 0) * 1000 - 20,
        );
      }
    } finally {
      await proxy.close();
      await sandbox.close();
    }
  });
});
