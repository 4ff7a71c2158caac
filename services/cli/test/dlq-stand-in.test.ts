// haymaker dlq, with the real binary against a STAND-IN gateway (dlq-stand-in-gateway.ts) serving the
// documented shapes of the dead-letter and replay routes, so a replay can progress, fail, hang or be
// aborted on cue. dlq-real-gateway.test.ts runs the main path against the real gateway and a real broker.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ADMIN_KEY,
  deadLetter,
  EMPTY_GROUP,
  FLAKY_GROUP,
  letterId,
  OPERATOR_KEY,
  RUN,
  type Seen,
  STUCK_NAME,
  startDlqStandIn,
} from "./dlq-stand-in-gateway.ts";
import { haymaker, onTerminal, startHaymaker } from "./run-cli.ts";

let seen: Seen;
let server: Awaited<ReturnType<typeof startDlqStandIn>>;
const as = (key: string) => ({ HAYMAKER_ENDPOINT: server.url, HAYMAKER_API_KEY: key, COLUMNS: "200" });
const operator = () => as(OPERATOR_KEY);
const admin = () => as(ADMIN_KEY);
beforeAll(async () => {
  seen = { listQueries: [], groupQueries: [], actions: [], polls: 0 };
  server = await startDlqStandIn(seen);
});
afterAll(() => server.close());

describe("dlq list, groups and show (stand-in gateway)", () => {
  it("lists dead letters with the filters under the gateway's query names, and notes more pages", async () => {
    seen.listQueries.length = 0;
    const result = await haymaker(
      [
        "dlq",
        "list",
        ...[
          "--topic",
          "run-requested",
          "--subscription",
          "validate",
          "--type",
          "com.haymaker.run.requested.v1",
        ],
        ...["--reason", "MaxDeliveryCountExceeded", "--run", RUN, "--since", "2026-11-24T06:00:00Z"],
        ...["--until", "2026-11-25T00:00:00+01:00", "--group", FLAKY_GROUP, "--limit", "2"],
      ],
      operator(),
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ID\s+SUBSCRIPTION\s+REASON\s+EVENT TYPE\s+RUN\s+REPLAYS\s+ENQUEUED\n/);
    expect(result.stdout).toMatch(
      new RegExp(
        `^run-requested\\.validate\\.1\\s+validate\\s+MaxDeliveryCountExceeded\\s+com\\.haymaker\\.run\\.requested\\.v1\\s+${RUN}\\s+1\\s+2026-11-24T06:01:00\\.000Z$`,
        "m",
      ),
    );
    expect(result.stdout).not.toContain(letterId(3));
    expect(result.stderr).toBe("more dead letters than shown: pass --all to read every page\n");
    expect(seen.listQueries).toEqual([
      {
        topic: "run-requested",
        subscription: "validate",
        eventType: "com.haymaker.run.requested.v1",
        reason: "MaxDeliveryCountExceeded",
        runId: RUN,
        since: "2026-11-24T06:00:00Z",
        until: "2026-11-25T00:00:00+01:00",
        group: FLAKY_GROUP,
        limit: "2",
      },
    ]);
  });

  it("reads every page with --all, and prints the gateway's items as JSON", async () => {
    seen.listQueries.length = 0;
    const result = await haymaker(["dlq", "list", "--all", "-o", "json"], operator());
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ items: [deadLetter(1), deadLetter(2), deadLetter(3)] });
    expect(seen.listQueries).toEqual([{}, { continuation: "page-2" }]);
  });

  it("fits the list to a narrow terminal", async () => {
    const result = await haymaker(["dlq", "list"], { ...operator(), COLUMNS: "70" });
    for (const line of result.stdout.trimEnd().split("\n")) expect(line.length).toBeLessThanOrEqual(70);
    expect(result.stdout).toContain("…");
  });

  it("counts dead letters per failure group", async () => {
    seen.groupQueries.length = 0;
    const result = await haymaker(["dlq", "groups", "--subscription", "validate"], operator());
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^GROUP\s+SUBSCRIPTION\s+REASON\s+COUNT\s+REPLAYED\s+FIRST\s+LAST\s+DESCRIPTION\ng-7f3a9c2e41d0\s+validate\s+MaxDeliveryCountExceeded\s+1000\s+12\s+2026-11-24T06:00:00\.000Z\s+2026-11-24T06:09:00\.000Z\s+scenario catalogue unavailable\n$/,
    );
    expect(seen.groupQueries).toEqual([{ subscription: "validate" }]);
    const yaml = await haymaker(["dlq", "groups", "-o", "yaml"], operator());
    expect(yaml.stdout).toContain("eventTypes:\n      - com.haymaker.run.requested.v1");
  });

  it("shows one dead letter's fields and its event data, or its raw body", async () => {
    const event = await haymaker(["dlq", "show", letterId(1)], operator());
    expect(event.code).toBe(0);
    expect(event.stdout).toMatch(/^FIELD\s+VALUE\nid\s+run-requested\.validate\.1\n/);
    expect(event.stdout).toMatch(/^sequenceNumber\s+1$/m);
    expect(event.stdout).toMatch(/^applicationProperties\s+DeadLetterReason=MaxDeliveryCountExceeded$/m);
    expect(event.stdout).toContain(
      `\n\nevent data:\n  {\n    "runId": "${RUN}",\n    "size": "small"\n  }\n`,
    );
    const body = await haymaker(["dlq", "show", letterId(2)], operator());
    expect(body.stdout).toMatch(/^reason\s+InvalidEvent$/m);
    expect(body.stdout).toContain("\n\nbody (not a valid event):\n  not json {\n");
    const json = await haymaker(["dlq", "show", letterId(1), "-o", "json"], operator());
    expect(JSON.parse(json.stdout)).toMatchObject({ id: letterId(1), event: { data: { size: "small" } } });
    const missing = await haymaker(["dlq", "show", letterId(404)], operator());
    expect(missing.code).toBe(4);
    expect(missing.stderr).toMatch(
      /^haymaker: No dead letter run-requested\.validate\.404\. \(DeadLetterNotFound, [0-9a-f]{32}\)\n$/,
    );
  });
});

describe("dlq replay and purge (stand-in gateway)", () => {
  it("dry-runs a replay: the count and a sample, nothing replayed", async () => {
    seen.actions.length = 0;
    const result = await haymaker(["dlq", "replay", "--group", FLAKY_GROUP, "--dry-run"], operator());
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^ID\s+SUBSCRIPTION\s+REASON\s+EVENT TYPE\s+RUN\s+REPLAYS\s+ENQUEUED\nrun-requested\.validate\.1\s.*\nrun-requested\.validate\.2\s/,
    );
    expect(result.stdout).toContain("Would replay 1000 dead letters. (a sample of 2 shown)\n");
    const none = await haymaker(["dlq", "replay", "--group", EMPTY_GROUP, "--dry-run"], operator());
    expect(none.stdout).toBe("No dead letters match.\n");
    const json = await haymaker(
      ["dlq", "replay", letterId(1), letterId(2), "--dry-run", "-o", "json"],
      operator(),
    );
    expect(JSON.parse(json.stdout)).toMatchObject({
      dryRun: true,
      count: 2,
      sample: [{ id: letterId(1) }, { id: letterId(2) }],
    });
    expect(seen.actions).toEqual([
      { method: "POST", body: { group: FLAKY_GROUP, dryRun: true } },
      { method: "POST", body: { group: EMPTY_GROUP, dryRun: true } },
      { method: "POST", body: { ids: [letterId(1), letterId(2)], dryRun: true } },
    ]);
  });

  it("replays with --yes, printing a progress line per change, and exits 0 when all went well", async () => {
    seen.actions.length = 0;
    const result = await haymaker(
      [
        "dlq",
        "replay",
        "--subscription",
        "validate",
        "--since",
        "2026-11-24T06:00:00Z",
        "--name",
        "after fix",
        "--yes",
      ],
      operator(),
    );
    expect(result.stderr).toBe(
      [
        "replaying: 0/1000, 0 failed, 1000 left",
        "replaying: 250/1000, 0 failed, 750 left",
        "replaying: 500/1000, 0 failed, 500 left",
        "replaying: 750/1000, 0 failed, 250 left",
        "replaying: 1000/1000, 0 failed, 0 left (completed)",
        "",
      ].join("\n"),
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^FIELD\s+VALUE\nid\s+rpl-\d+\nname\s+after fix\nkind\s+replay\nstatus\s+completed\n/,
    );
    expect(result.stdout).toMatch(/^replayed\s+1000$/m);
    expect(result.stdout).toMatch(/^selection\s+filter=subscription=validate,since=2026-11-24T06:00:00Z$/m);
    expect(seen.actions).toEqual([
      {
        method: "POST",
        body: {
          filter: { subscription: "validate", since: "2026-11-24T06:00:00Z" },
          dryRun: false,
          name: "after fix",
        },
      },
    ]);
  });

  it("exits 1 when some letters failed again, listing the errors; JSON is the final operation", async () => {
    const result = await haymaker(
      ["dlq", "replay", "--group", FLAKY_GROUP, "--yes", "-o", "json"],
      operator(),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("replaying: 248/1000, 2 failed, 750 left\n");
    expect(JSON.parse(result.stdout)).toMatchObject({
      kind: "replay",
      status: "completed",
      replayed: 998,
      failed: 2,
      remaining: 0,
      errors: [
        "run-requested.validate.7: subscription validate not found",
        "run-requested.validate.9: message too large",
      ],
    });
    const table = await haymaker(["dlq", "replay", "--group", FLAKY_GROUP, "--yes"], operator());
    expect(table.stdout).toContain(
      "\nerrors:\n  run-requested.validate.7: subscription validate not found\n  run-requested.validate.9: message too large\n",
    );
  });

  it("refuses a purge to an operator with the gateway's message, and purges as admin", async () => {
    const refused = await haymaker(["dlq", "purge", letterId(1), "--yes"], operator());
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(
      /^haymaker: Purging dead letters needs the admin role\. \(Forbidden, [0-9a-f]{32}\)\n$/,
    );
    seen.actions.length = 0;
    const purged = await haymaker(["dlq", "purge", letterId(1), letterId(2), letterId(3), "--yes"], admin());
    expect(purged.code).toBe(0);
    expect(purged.stderr).toBe(
      "deleting: 0/3, 0 failed, 3 left\ndeleting: 3/3, 0 failed, 0 left (completed)\n",
    );
    expect(purged.stdout).toMatch(/^kind\s+purge$/m);
    expect(purged.stdout).toMatch(/^deleted\s+3$/m);
    expect(seen.actions).toEqual([
      { method: "DELETE", body: { ids: [letterId(1), letterId(2), letterId(3)], dryRun: false } },
    ]);
  });

  it("needs exactly one selection, a valid time, and --yes when nobody can answer", async () => {
    seen.actions.length = 0;
    for (const args of [
      ["dlq", "replay"],
      ["dlq", "replay", letterId(1), "--group", FLAKY_GROUP],
      ["dlq", "purge", "--group", FLAKY_GROUP, "--reason", "InvalidEvent", "--yes"],
      ["dlq", "replay", "--since", "yesterday", "--yes"],
      ["dlq", "list", "--until", "2026-11-24"],
      ["dlq", "purge", "--name", "x", letterId(1), "--yes"],
      ["dlq", "list", "--limit", "ten"],
    ]) {
      const result = await haymaker(args, operator());
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toMatch(/^haymaker: .+\n$/);
    }
    expect((await haymaker(["dlq", "replay"], operator())).stderr).toContain(
      "give exactly one of ids, --group or filter flags",
    );
    const noTty = await haymaker(["dlq", "replay", "--group", FLAKY_GROUP], operator());
    expect(noTty.code).toBe(2);
    expect(noTty.stderr).toContain("pass --yes");
    expect(seen.actions).toEqual([]);
  });

  it("asks a person at a terminal after a dry run, replays only on y, and rewrites one progress line", async () => {
    seen.actions.length = 0;
    const declined = await onTerminal(
      ["dlq", "replay", "--group", FLAKY_GROUP],
      { ...operator(), NO_COLOR: "1" },
      "n\n",
    );
    expect(declined.stdout).toContain("Would replay 1000 dead letters.");
    expect(declined.stdout).toContain("Replay 1000 dead letters? [y/N]");
    expect(declined.stdout).toContain("haymaker: nothing replayed");
    expect(declined.code).toBe(1);
    expect(seen.actions).toEqual([{ method: "POST", body: { group: FLAKY_GROUP, dryRun: true } }]);
    const accepted = await onTerminal(
      ["dlq", "replay", letterId(1), letterId(2)],
      { ...operator(), NO_COLOR: "1" },
      "y\n",
    );
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toContain(
      "\r\u001b[2Kreplaying: 0/2, 0 failed, 2 left\r\u001b[2Kreplaying: 2/2, 0 failed, 0 left (completed)\r\n",
    );
    expect(accepted.stdout).toMatch(/status\s+completed/);
    expect(seen.actions.at(-1)).toEqual({
      method: "POST",
      body: { ids: [letterId(1), letterId(2)], dryRun: false },
    });
  });

  it("asks before a purge, and says so when nothing matches", async () => {
    seen.actions.length = 0;
    const declined = await onTerminal(["dlq", "purge", "--run", RUN], { ...admin(), NO_COLOR: "1" }, "\n");
    expect(declined.stdout).toContain("Delete 1000 dead letters for good? [y/N]");
    expect(declined.code).toBe(1);
    const none = await onTerminal(
      ["dlq", "purge", "--group", EMPTY_GROUP],
      { ...admin(), NO_COLOR: "1" },
      "",
    );
    expect(none.code).toBe(0);
    expect(none.stdout).toContain("No dead letters match.");
    expect(none.stdout).not.toContain("[y/N]");
    expect(seen.actions.map((a) => a.body.dryRun)).toEqual([true, true]);
    const yes = await haymaker(["dlq", "purge", "--group", EMPTY_GROUP, "--yes"], admin());
    expect(yes.code).toBe(0);
    expect(yes.stderr).toBe(
      "deleting: 0/0, 0 failed, 0 left (completed)\nNo dead letters matched: nothing to do.\n",
    );
  });
});

describe("dlq replays, status and abort (stand-in gateway)", () => {
  it("stops following on Ctrl+C, saying how to abort; the replay can then be aborted once", async () => {
    const running = startHaymaker(
      ["dlq", "replay", "--group", FLAKY_GROUP, "--name", STUCK_NAME, "--yes"],
      operator(),
    );
    await new Promise<void>((resolve) => running.child.stderr?.on("data", () => resolve()));
    running.child.kill("SIGINT");
    const result = await running.result;
    expect(result.code).toBe(130);
    const id =
      /^replaying: 0\/1000, 0 failed, 1000 left\nhaymaker: stopped following; the replay (rpl-\d+) keeps running on the gateway\. Abort it with: haymaker dlq abort \1 /.exec(
        result.stderr,
      )?.[1];
    expect(id).toBeDefined();

    const status = await haymaker(["dlq", "status", id ?? "", "-o", "json"], operator());
    expect(JSON.parse(status.stdout)).toMatchObject({ id, name: STUCK_NAME, status: "running" });
    const listed = await haymaker(["dlq", "replays"], operator());
    expect(listed.stdout).toMatch(/^ID\s+KIND\s+NAME\s+STATUS\s+DONE\s+FAILED\s+BY\s+STARTED\n/);
    expect(listed.stdout).toMatch(
      new RegExp(`^${id}\\s+replay\\s+stuck\\s+running\\s+0/1000\\s+0\\s+api-key:operator`, "m"),
    );

    const aborted = await haymaker(["dlq", "abort", id ?? ""], operator());
    expect(aborted.code).toBe(0);
    expect(aborted.stdout).toMatch(/^status\s+aborted$/m);
    const again = await haymaker(["dlq", "abort", id ?? ""], operator());
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(
      /^haymaker: The replay rpl-\d+ already ended\. \(ReplayFinished, [0-9a-f]{32}\)\n$/,
    );
    const followed = await haymaker(["dlq", "replays", id ?? "", "--follow"], operator());
    expect(followed.code).toBe(1);
    expect(followed.stderr).toBe("replaying: 0/1000, 0 failed, 1000 left (aborted)\n");
  });

  it("exits 4 for an unknown operation", async () => {
    for (const args of [
      ["dlq", "status", "rpl-999"],
      ["dlq", "replays", "rpl-999"],
      ["dlq", "abort", "rpl-999"],
    ]) {
      const result = await haymaker(args, operator());
      expect(result.code, args.join(" ")).toBe(4);
      expect(result.stderr).toMatch(/\(ReplayNotFound, [0-9a-f]{32}\)\n$/);
    }
  });

  it("lists the dlq commands in --help", async () => {
    const help = await haymaker(["--help"]);
    for (const command of [
      "dlq list",
      "dlq groups",
      "dlq show <id>",
      "dlq replay [<id>...]",
      "dlq purge [<id>...]",
      "dlq replays [id]",
      "dlq status <id>",
      "dlq abort <id>",
    ]) {
      expect(help.stdout).toMatch(new RegExp(`^  ${command.replace(/[.[\]]/g, "\\$&")}\\s`, "m"));
    }
  });
});
