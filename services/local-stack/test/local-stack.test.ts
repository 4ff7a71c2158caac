// `make run` as a user sees it: the stack starts, says where it is, carries HayMaker events between the
// topology's topics and subscriptions, and stops cleanly.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ServiceBusClient } from "@azure/service-bus";
import { consume, EventPublisher } from "@haymaker/bus";
import { newEvent } from "@haymaker/cloudevents";
import { EXAMPLE_DATA } from "@haymaker/contracts";
import { afterAll, describe, expect, it } from "vitest";
import type { LocalStackFile } from "../src/local-file.ts";

const BIN = fileURLToPath(new URL("../bin/haymaker-local.js", import.meta.url));

function startStack(env: Record<string, string>) {
  const child = spawn(process.execPath, [BIN], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on("data", () => output.includes("Stop with Ctrl+C.") && resolve());
    exited.then((code) => reject(new Error(`exited ${code}: ${output}`)));
  });
  // A stack expected to refuse its settings is never awaited as ready.
  ready.catch(() => {});
  return { child, exited, ready, output: () => output };
}

describe("the local stack (make run)", () => {
  const directory = mkdtempSync(join(tmpdir(), "haymaker-local-"));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it("starts the broker with HayMaker's topology, records itself in local.json, and stops on SIGTERM", async () => {
    const stack = startStack({
      HAYMAKER_DATA_DIR: directory,
      HAYMAKER_BROKER_PORT: "0",
      HAYMAKER_LOG_LEVEL: "warn",
    });
    await stack.ready;
    const local = JSON.parse(readFileSync(join(directory, "local.json"), "utf8")) as LocalStackFile;
    expect(stack.output()).toContain(`listening on 127.0.0.1:${local.broker.port}`);
    const client = new ServiceBusClient(local.broker.connectionString);
    const publisher = new EventPublisher(client);
    const seen: string[] = [];
    const consumer = consume(client, {
      topic: "run-requested",
      subscription: "validate",
      accepts: ["run.requested"],
      handler: async (event) => void seen.push(event.id),
    });
    const event = newEvent("run.requested", {
      source: "/haymaker/gateway",
      data: EXAMPLE_DATA["run.requested"],
    });
    await publisher.publish(event);
    for (let i = 0; i < 100 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(seen).toEqual([event.id]);
    // The projector has its own copy waiting.
    const projected = await client.createReceiver("run-requested", "projector").peekMessages(5);
    expect(projected.map((m) => m.messageId)).toEqual([event.id]);
    // The select service runs in the stack: a validated run comes back as its agents.
    const { size: _size, ...request } = EXAMPLE_DATA["run.validated"];
    await publisher.publish(
      newEvent("run.validated", {
        source: "/haymaker/validate",
        data: { ...request, scenarios: ["nsg-rule-tuning", "vm-start-stop"] },
      }),
    );
    const selected = client.createReceiver("agent-selected", "provision", {
      receiveMode: "receiveAndDelete",
    });
    const agents: unknown[] = [];
    for (let i = 0; i < 40 && agents.length < 2; i++) {
      agents.push(
        ...(await selected.receiveMessages(2, { maxWaitTimeInMs: 500 })).map(
          (m) => m.applicationProperties?.cloudEvents_subject,
        ),
      );
    }
    expect(agents.sort()).toEqual([`runs/${request.runId}/agents/a01`, `runs/${request.runId}/agents/a02`]);
    expect(stack.output()).toContain("services  scheduler, select");
    await consumer.stop();
    await publisher.close();
    await client.close();
    stack.child.kill("SIGTERM");
    expect(await stack.exited).toBe(0);
    expect(existsSync(join(directory, "local.json"))).toBe(false);
  });

  it("refuses bad settings, naming each variable", async () => {
    const stack = startStack({
      HAYMAKER_DATA_DIR: directory,
      HAYMAKER_BROKER_PORT: "seventy",
      HAYMAKER_LOG_LEVEL: "loud",
    });
    expect(await stack.exited).toBe(2);
    expect(stack.output()).toContain("HAYMAKER_BROKER_PORT: ");
    expect(stack.output()).toContain("HAYMAKER_LOG_LEVEL: must be one of");
  });
});
