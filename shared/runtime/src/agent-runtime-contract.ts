// The AgentRuntime port's contract: every adapter (local processes, Container Apps jobs) runs this suite from
// its own test with the test agent below as its program, so deploy, monitor and force-cleanup can count on
// the same behaviour whichever runs agents.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentNotFoundError, type AgentRuntime, type AgentStatus } from "./agent-runtime.ts";

/**
 * The program every adapter's harness runs as its agent (`node -e TEST_AGENT`): AGENT_MODE "succeed" exits
 * 0, "fail" exits 3, "linger" runs until SIGTERM and then exits 0 after a moment of teardown.
 */
export const TEST_AGENT = `
const mode = process.env.AGENT_MODE;
if (mode === "fail") process.exit(3);
if (mode === "linger") {
  process.on("SIGTERM", () => setTimeout(() => process.exit(0), 100));
  setInterval(() => {}, 1000);
}
`;

export interface AgentRuntimeHarness {
  runtime: AgentRuntime;
  /** A reference of another runtime's kind, which this one must refuse with AgentNotFoundError. */
  foreignRef: string;
  close(): Promise<void>;
}

export function describeAgentRuntimeContract(name: string, setup: () => Promise<AgentRuntimeHarness>): void {
  describe(`AgentRuntime contract: ${name}`, () => {
    let harness: AgentRuntimeHarness;
    beforeAll(async () => {
      harness = await setup();
    }, 60_000);
    afterAll(() => harness?.close());

    const agentName = () => `contract-${randomBytes(4).toString("hex")}`;
    const env = (mode: string) => ({ AGENT_MODE: mode, HAYMAKER_SCENARIO_ID: "contract" });
    const until = async (ref: string, done: (s: AgentStatus) => boolean): Promise<AgentStatus> => {
      for (let i = 0; i < 300; i++) {
        const status = await harness.runtime.status(ref);
        if (done(status)) return status;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`agent ${ref} never reached the awaited state`);
    };

    it("runs an agent to success, with its start and end times, and finds it by name", async () => {
      const name = agentName();
      expect(await harness.runtime.find(name)).toBeUndefined();
      const ref = await harness.runtime.start({ name, env: env("succeed") });
      const status = await until(ref, (s) => s.state !== "running");
      expect(status).toMatchObject({ state: "succeeded", exitCode: 0 });
      expect(Date.parse(status.startedAt ?? "")).toBeLessThanOrEqual(Date.parse(status.finishedAt ?? ""));
      expect(await harness.runtime.find(name)).toBe(ref);
    });

    it("reports a failing agent as failed with its exit code", async () => {
      const ref = await harness.runtime.start({ name: agentName(), env: env("fail") });
      expect(await until(ref, (s) => s.state !== "running")).toMatchObject({ state: "failed", exitCode: 3 });
    });

    it("starts an agent once however often start is called, at once or later", async () => {
      const name = agentName();
      const [first, second] = await Promise.all([
        harness.runtime.start({ name, env: env("linger") }),
        harness.runtime.start({ name, env: env("linger") }),
      ]);
      expect(second).toBe(first);
      expect(await harness.runtime.start({ name, env: env("linger") })).toBe(first);
      expect(await harness.runtime.find(name)).toBe(first);
      await harness.runtime.stop(first);
      await until(first, (s) => s.state !== "running");
    });

    it("stops a running agent, giving it its grace to tear down, and ignores a stop once it has ended", async () => {
      const ref = await harness.runtime.start({ name: agentName(), env: env("linger") });
      expect((await harness.runtime.status(ref)).state).toBe("running");
      await harness.runtime.stop(ref);
      expect(await until(ref, (s) => s.state !== "running")).toMatchObject({ state: "stopped" });
      await harness.runtime.stop(ref);
      expect((await harness.runtime.status(ref)).state).toBe("stopped");
    });

    it("refuses a reference of the other kind clearly, and an agent name that is not a DNS label", async () => {
      await expect(harness.runtime.status(harness.foreignRef)).rejects.toBeInstanceOf(AgentNotFoundError);
      await expect(harness.runtime.stop(harness.foreignRef)).rejects.toThrow(/reference|execution/);
      await expect(harness.runtime.start({ name: "Not A Label", env: {} })).rejects.toThrow(/lowercase/);
      expect(await harness.runtime.find("Not A Label")).toBeUndefined();
    });

    it("passes its check when agents can be started", async () => {
      await expect(harness.runtime.check()).resolves.toBeUndefined();
    });
  });
}
