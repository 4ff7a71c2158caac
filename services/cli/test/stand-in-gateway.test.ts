// What a real gateway cannot be made to do on cue: drop a log stream midway, resend a line, stream for
// ever, or face a person at a terminal. The real binary runs against a STAND-IN gateway: a small Hono app
// serving exactly the documented shapes of logs ?follow=true and POST /api/cleanup. new-routes.test.ts runs
// the same commands against the real gateway.
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { haymaker, onTerminal as runOnTerminal, serveOnLocalPort, startHaymaker } from "./run-cli.ts";

const KEY = "hm_0123456789ab_standin";
const RUN = "run-20261124-060000-ab12";

const envelope = (code: string, message: string) => ({
  error: { code, message, details: [], traceId: "0123456789abcdef0123456789abcdef" },
});

const logLine = (sequence: number, level = "info") => ({
  runId: RUN,
  agentId: "a01",
  scenarioId: "nsg-rule-tuning",
  sequence,
  level,
  message: `line ${sequence}`,
  at: `2026-11-24T06:04:0${sequence}.000Z`,
});

const sse = (...events: string[]) => events.join("");
const logEvent = (sequence: number, level = "info") =>
  `event: log\nid: ${sequence}\ndata: ${JSON.stringify(logLine(sequence, level))}\n\n`;
const endEvent = `event: end\ndata: ${JSON.stringify({ stage: "cleaned", outcome: "completed" })}\n\n`;

/** A response that sends `chunks` and then either closes (a dropped connection) or stays open. */
function eventStream(chunks: string[], keepOpen = false): Response {
  const encoder = new TextEncoder();
  let timer: NodeJS.Timeout | undefined;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      if (keepOpen) timer = setInterval(() => controller.enqueue(encoder.encode(": heartbeat\n\n")), 200);
      else controller.close();
    },
    cancel() {
      clearInterval(timer);
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream" } });
}

interface Seen {
  logRequests: { lastEventId: string | undefined; query: Record<string, string> }[];
  cleanupBodies: unknown[];
}

/** The stand-in gateway: the documented shapes of the routes not yet in the gateway. */
async function standInGateway(seen: Seen) {
  const app = new Hono();
  app.use("/api/*", async (c, next) => {
    if (c.req.header("authorization") !== `Bearer ${KEY}`) {
      return c.json(envelope("Unauthorized", "Send an API key."), 401);
    }
    return next();
  });
  app.post("/api/cleanup", async (c) => {
    const body = (await c.req.json()) as { executionId?: string; scenario?: string; dryRun?: unknown };
    seen.cleanupBodies.push(body);
    if (
      (body.executionId === undefined) === (body.scenario === undefined) ||
      typeof body.dryRun !== "boolean"
    ) {
      return c.json(envelope("InvalidRequest", "Give executionId or scenario, and dryRun."), 400);
    }
    const targets =
      body.executionId === RUN
        ? [
            {
              runId: RUN,
              agentId: "a01",
              scenarioId: "nsg-rule-tuning",
              resourceGroup: `haymaker-${RUN}-a01`,
              resources: [
                {
                  id: "res-1",
                  resourceId:
                    "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/n1",
                  type: "Microsoft.Network/networkSecurityGroups",
                },
                {
                  id: "res-2",
                  resourceId:
                    "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/s1",
                  type: "Microsoft.Storage/storageAccounts",
                },
              ],
              identity: { appId: "0a1b2c3d-0000-4000-8000-000000000001", displayName: `haymaker-${RUN}-a01` },
            },
          ]
        : [];
    const counts = {
      agents: targets.length,
      resources: targets.reduce((n, t) => n + t.resources.length, 0),
      identities: targets.length,
    };
    return c.json({ dryRun: body.dryRun, targets, counts }, body.dryRun ? 200 : 202);
  });
  app.get("/api/executions/:run/agents/:agent/logs", (c) => {
    const lastEventId = c.req.header("last-event-id");
    seen.logRequests.push({ lastEventId, query: c.req.query() });
    if (c.req.query("follow") !== "true") return c.json(envelope("InvalidQuery", "follow expected"), 400);
    if (c.req.param("agent") === "a99") return c.json(envelope("AgentNotFound", "No agent a99."), 404);
    if (c.req.param("agent") === "a02") return eventStream([logEvent(1)], true); // never ends
    // First connection: three lines, a heartbeat, then the connection drops. The next one resumes after
    // Last-Event-ID, sending line 3 again (a resend the CLI must not print twice), then the end.
    if (lastEventId === undefined)
      return eventStream([logEvent(1), logEvent(2, "warn"), logEvent(3), ": heartbeat\n\n"]);
    return eventStream([logEvent(3), logEvent(4, "error"), sse(logEvent(5), endEvent)]);
  });
  return serveOnLocalPort(app.fetch);
}

let seen: Seen;
let server: Awaited<ReturnType<typeof standInGateway>>;
const env = () => ({ HAYMAKER_ENDPOINT: server.url, HAYMAKER_API_KEY: KEY });
beforeAll(async () => {
  seen = { logRequests: [], cleanupBodies: [] };
  server = await standInGateway(seen);
});
afterAll(() => server.close());

/** The CLI on a pseudo-terminal, against the stand-in. */
const onTerminal = (args: string[], extraEnv: Record<string, string>, input: string) =>
  runOnTerminal(args, { ...env(), ...extraEnv }, input);

describe("logs --follow (stand-in gateway)", () => {
  it("prints each line once across a reconnection with Last-Event-ID, and exits 0 at the end", async () => {
    seen.logRequests.length = 0;
    const result = await haymaker(["logs", "--agent", `${RUN}.a01`, "--follow", "--tail", "3"], env());
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [1, 2, 3, 4, 5]
        .map(
          (n) => `2026-11-24T06:04:0${n}.000Z ${n === 2 ? "WARN " : n === 4 ? "ERROR" : "INFO "} line ${n}`,
        )
        .join("\n")
        .concat("\n"),
    );
    expect(result.stderr).toMatch(/^haymaker: log stream lost; reconnecting in 250 ms \(try 1\)\n$/);
    expect(seen.logRequests).toEqual([
      { lastEventId: undefined, query: { follow: "true", tail: "3" } },
      { lastEventId: "3", query: { follow: "true" } },
    ]);
  });

  it("prints NDJSON with --output json", async () => {
    const result = await haymaker(["logs", "--agent", "a01", "--execution", RUN, "-f", "-o", "json"], env());
    expect(result.code).toBe(0);
    const lines = result.stdout
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines.map((l) => l.sequence)).toEqual([1, 2, 3, 4, 5]);
    expect(lines[0]).toEqual(logLine(1));
  });

  it("exits 4 at once for an unknown agent, without retrying", async () => {
    const result = await haymaker(["logs", "--agent", `${RUN}.a99`, "--follow"], env());
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/^haymaker: No agent a99\. \(AgentNotFound, [0-9a-f]{32}\)\n$/);
  });

  it("exits 130 quietly on Ctrl+C", async () => {
    const running = startHaymaker(["logs", "--agent", `${RUN}.a02`, "--follow"], env());
    await new Promise<void>((resolve) => running.child.stdout?.on("data", () => resolve()));
    running.child.kill("SIGINT");
    const result = await running.result;
    expect(result.code).toBe(130);
    expect(result.stderr).toBe("");
    expect(result.stdout).toContain("line 1");
  });

  it("colours the level only on a terminal without NO_COLOR", async () => {
    const coloured = await onTerminal(["logs", "--agent", `${RUN}.a01`, "-f"], {}, "");
    expect(coloured.stdout).toContain("\u001b[33mWARN \u001b[39m line 2");
    const plain = await onTerminal(["logs", "--agent", `${RUN}.a01`, "-f"], { NO_COLOR: "1" }, "");
    expect(plain.stdout).toContain("WARN  line 2");
    expect(plain.stdout).not.toContain("\u001b[");
  });
});

describe("cleanup (stand-in gateway)", () => {
  it("shows what a dry run would delete, and deletes with --yes", async () => {
    seen.cleanupBodies.length = 0;
    const dry = await haymaker(["cleanup", "--execution", RUN, "--dry-run"], { ...env(), COLUMNS: "200" });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(
      new RegExp(`^RUN\\s+AGENT\\s+SCENARIO\\s+RESOURCE GROUP\\s+RESOURCES\\s+IDENTITY\\n${RUN}\\s+a01`),
    );
    expect(dry.stdout).toContain("Would delete 2 resources and 1 identities of 1 agents.");
    const yes = await haymaker(["cleanup", "--execution", RUN, "--yes", "-o", "json"], env());
    expect(yes.code).toBe(0);
    expect(JSON.parse(yes.stdout)).toMatchObject({ dryRun: false, counts: { resources: 2, identities: 1 } });
    expect(seen.cleanupBodies).toEqual([
      { executionId: RUN, dryRun: true },
      { executionId: RUN, dryRun: false },
    ]);
  });

  it("says so when there is nothing to delete", async () => {
    const result = await haymaker(["cleanup", "--scenario", "nsg-rule-tuning", "--yes"], env());
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("Nothing to delete.\n");
  });

  it("needs --yes when nobody can answer, and exactly one of --execution and --scenario", async () => {
    seen.cleanupBodies.length = 0;
    for (const args of [
      ["cleanup", "--execution", RUN],
      ["cleanup"],
      ["cleanup", "--execution", RUN, "--scenario", "nsg-rule-tuning", "--yes"],
    ]) {
      const result = await haymaker(args, env());
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toMatch(/^haymaker: .+\n$/);
    }
    expect((await haymaker(["cleanup", "--execution", RUN], env())).stderr).toContain("pass --yes");
    expect(seen.cleanupBodies).toEqual([]);
  });

  it("asks a person at a terminal, after a dry run, and deletes only on y", async () => {
    seen.cleanupBodies.length = 0;
    const declined = await onTerminal(["cleanup", "--execution", RUN], { NO_COLOR: "1" }, "n\n");
    expect(declined.stdout).toContain("Delete 2 resources and 1 identities? [y/N]");
    expect(declined.code).toBe(1);
    expect(seen.cleanupBodies).toEqual([{ executionId: RUN, dryRun: true }]);
    const accepted = await onTerminal(["cleanup", "--execution", RUN], { NO_COLOR: "1" }, "y\n");
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toContain(
      "Cleanup requested: deleting 2 resources and 1 identities of 1 agents.",
    );
    expect(seen.cleanupBodies.at(-1)).toEqual({ executionId: RUN, dryRun: false });
  });
});
