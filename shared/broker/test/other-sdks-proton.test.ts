// The broker against Qpid Proton, an AMQP 1.0 implementation independent of rhea and of the JavaScript SDK.
// Needs Python's proton bindings (.ci/run installs Debian's python3-qpid-proton); without them it fails,
// saying how to install them, rather than pass unseen.
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keyOf, startTestBroker, type TestBroker, tokenFor } from "./harness.ts";
import { requirePythonModules, runPythonClient } from "./python-client.ts";

const SCRIPT = fileURLToPath(new URL("./interop/proton_client.py", import.meta.url));

describe("a Qpid Proton client", () => {
  let t: TestBroker;
  beforeAll(async () => {
    t = await startTestBroker({ queues: [{ Name: "proton" }] });
  });
  afterAll(() => t.stop());

  it("sends and receives (settling first) past the session window, with AMQP types, CBS and management intact", async () => {
    requirePythonModules(
      "proton",
      "Qpid Proton's Python bindings are missing: install them (apt-get install python3-qpid-proton) to run this test",
    );
    const { name, key } = keyOf(t.broker.connectionString);
    const seen = await runPythonClient(
      "proton client",
      SCRIPT,
      [String(t.broker.port), "proton", "3000"],
      {
        HAYMAKER_KEY_NAME: name,
        HAYMAKER_KEY: key,
        HAYMAKER_TOKEN: tokenFor(t.broker.connectionString, "sb://localhost/proton"),
      },
      60_000,
    );
    expect(seen.received).toBe(3000);
    expect(seen.sequence_numbers_rising).toBe(true);
    // (Proton's Python binding cuts delivery tags at a zero byte, so the 16-byte lock token is checked by the
    // SDK tests, not here.)
    expect(seen.first).toEqual({
      id: "p-0",
      n_type: "int32",
      big: 2 ** 40,
      big_type: "ulong",
      delivery_count: 0,
    });
    expect(seen.cbs).toEqual({ status: 202, type: "int32", correlation: 42 });
    expect(seen.peek_status).toMatchObject({ status: 200, type: "int32", correlation: "peek-1" });
    const client = t.client();
    expect(await client.createReceiver("proton").peekMessages(5)).toHaveLength(0);
  });
});
