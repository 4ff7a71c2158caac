// An operator's cleanup on make run's stack, followed to the end with the command line: a run still in
// flight is cleaned up from under its agent, force-cleanup reports back, and the projections show its
// resources and its identity deleted, as the sandbox does.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { execute, sandboxLook, startStack } from "./stack.ts";

const CLI = fileURLToPath(new URL("../../cli/bin/haymaker.js", import.meta.url));

function haymaker(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      {
        env: {
          PATH: process.env.PATH ?? "",
          HAYMAKER_CONFIG: "/nonexistent/config.json",
          NO_COLOR: "1",
          ...env,
        },
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("an operator's cleanup on make run's stack", () => {
  it("deletes a run's leftovers, identity and secret, reports back, and the projections show them deleted", async () => {
    const stack = await startStack();
    try {
      const runId = await execute(stack, { scenarios: ["nsg-rule-tuning"], duration: "PT3M" });
      // Wait until the agent has made something and HayMaker knows its identity.
      const until = Date.now() + 90_000;
      for (;;) {
        const resources = (await (
          await stack.api(`/api/resources?executionId=${runId}&status=created`)
        ).json()) as {
          items: unknown[];
        };
        if (resources.items.length > 0) break;
        if (Date.now() > until) throw new Error(`the agent created nothing in 90 s:\n${stack.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      const look = sandboxLook(stack);
      expect(await look.applications(runId)).toHaveLength(1);

      const result = await haymaker(["cleanup", "--execution", runId, "--yes", "--wait", "-o", "json"], {
        HAYMAKER_ENDPOINT: stack.local.gateway.url,
        HAYMAKER_API_KEY: stack.apiKey,
      });
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(result.code, result.stderr).toBe(0);
      const cleanup = JSON.parse(result.stdout) as {
        status: string;
        agents: { identity?: { deleted: boolean }; secret?: { deleted: boolean }; deleted: string[] }[];
        counts: Record<string, number>;
      };
      expect(cleanup.status).toBe("completed");
      expect(cleanup.counts).toMatchObject({
        resourcesNotDeleted: 0,
        identitiesNotDeleted: 0,
        secretsNotDeleted: 0,
      });
      expect(cleanup.agents[0]).toMatchObject({ identity: { deleted: true }, secret: { deleted: true } });

      expect(await look.tagged(runId)).toEqual([]);
      expect(await look.applications(runId)).toEqual([]);
      const identities = (await (await stack.api(`/api/identities?executionId=${runId}`)).json()) as {
        items: { identityDeleted: boolean; secretDeleted: boolean }[];
      };
      expect(identities.items).toEqual([
        expect.objectContaining({ identityDeleted: true, secretDeleted: true }),
      ]);
      const created = (await (
        await stack.api(`/api/resources?executionId=${runId}&status=created`)
      ).json()) as {
        items: unknown[];
      };
      expect(created.items).toEqual([]);
      const deleted = (await (
        await stack.api(`/api/resources?executionId=${runId}&status=deleted`)
      ).json()) as {
        items: { deletedBy: string }[];
      };
      expect(deleted.items.some((resource) => resource.deletedBy === "cleanup")).toBe(true);
    } finally {
      expect(await stack.stop()).toBe(0);
    }
  }, 240_000);
});
