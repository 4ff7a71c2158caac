// Error texts operators see through /api/dead-letters and /api/replays come from SDKs and other clients, and
// may quote a connection string or a token: they are shown and stored with the secret cut out.
import type { ServiceBusReceivedMessage } from "@azure/service-bus";
import { describe, expect, it } from "vitest";
import { deadLetterOf } from "../src/dead-letter.ts";
import type { DeadLetterQueues, Progress, WorkOptions } from "../src/dead-letter-queues.ts";
import { ReplayOperations } from "../src/replay-operations.ts";

const KEY = "c2VjcmV0a2V5c2VjcmV0";
const CONNECTION = `Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey=${KEY}`;

/** Queues that match two dead letters, then fail as `work` says: only what ReplayOperations sees of them. */
function failingQueues(work: (options: WorkOptions) => Promise<Progress>): DeadLetterQueues {
  const queues = {
    list: async () => [{}, {}],
    replay: (_filter: unknown, _ids: unknown, options: WorkOptions) => work(options),
    purge: (_filter: unknown, _ids: unknown, options: WorkOptions) => work(options),
  };
  return queues as unknown as DeadLetterQueues;
}

describe("secrets in dead-letter error texts", () => {
  it("stores and returns a replay's per-queue errors without the secrets they quote", async () => {
    const operations = ReplayOperations.inMemory(
      failingQueues(async (options) => {
        const progress = {
          done: 1,
          failed: 1,
          errors: [`agent-selected/provision: send failed: ${CONNECTION}`],
        };
        options.onProgress?.(progress);
        return progress;
      }),
    );
    const started = await operations.start({ kind: "replay", selection: { group: "g" }, requestedBy: "t" });
    await operations.idle();
    const [stored] = await operations.list();
    expect(JSON.stringify(stored)).not.toContain(KEY);
    expect((await operations.get(started.id))?.errors[0]).toBe(
      "agent-selected/provision: send failed: Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey=[redacted]",
    );
    await operations.close();
  });

  it("stores why an operation stopped without the secret its error quoted", async () => {
    const operations = ReplayOperations.inMemory(
      failingQueues(async () => {
        throw new Error(`the connection closed: ${CONNECTION}`);
      }),
    );
    const started = await operations.start({ kind: "purge", selection: { group: "g" }, requestedBy: "t" });
    await operations.idle();
    const stopped = await operations.get(started.id);
    expect(stopped?.status).toBe("failed");
    expect(stopped?.errors.at(-1)).toMatch(
      /^the operation stopped: the connection closed: .*SharedAccessKey=\[redacted\]$/,
    );
    expect(JSON.stringify(await operations.list())).not.toContain(KEY);
    await operations.close();
  });

  it("shows a dead letter's reason and description, set by any client, without secrets", () => {
    const description = `SendError: 401 on put-token Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig0 with ${CONNECTION}`;
    const message = {
      body: "not an event",
      sequenceNumber: 7,
      deadLetterReason: "HandlerError",
      deadLetterErrorDescription: description,
      applicationProperties: { DeadLetterErrorDescription: description },
    } as unknown as ServiceBusReceivedMessage;
    const letter = deadLetterOf("agent-selected", "provision", message);
    expect(JSON.stringify(letter)).not.toContain(KEY);
    expect(JSON.stringify(letter)).not.toContain("eyJzdWIiOiIxMjM0NTY3ODkwIn0");
    expect(letter.description).toBe(
      "SendError: 401 on put-token Bearer [redacted] with Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey=[redacted]",
    );
    expect(letter.applicationProperties.DeadLetterErrorDescription).toBe(letter.description);
  });
});
