import type { ServiceBusReceivedMessage } from "@azure/service-bus";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBroker, type TestBroker } from "./harness.ts";

const sql = (Name: string, SqlExpression: string, action?: string) => ({
  Name,
  Properties: {
    FilterType: "Sql",
    SqlFilter: { SqlExpression },
    ...(action ? { Action: { SqlExpression: action } } : {}),
  },
});

describe("topics, subscriptions and rules through the official SDK", () => {
  let t: TestBroker;
  beforeAll(async () => {
    t = await startTestBroker({
      topics: [
        {
          Name: "events",
          Subscriptions: [
            { Name: "all" },
            { Name: "audit" },
            {
              Name: "emea",
              Rules: [
                {
                  Name: "by-region",
                  Properties: {
                    FilterType: "Correlation",
                    CorrelationFilter: { Label: "order", Properties: { region: "emea" } },
                  },
                },
              ],
            },
            {
              Name: "big",
              Rules: [
                sql("big-orders", "qty >= 10 AND sys.Label LIKE 'ord%' AND region IN ('emea', 'apac')"),
              ],
            },
            { Name: "no-region", Rules: [sql("missing", "region IS NULL OR NOT EXISTS(region)")] },
            { Name: "tagged", Rules: [sql("tag", "1=1", "SET routed = 'yes'; REMOVE secretish")] },
            {
              Name: "addressed",
              Rules: [
                sql(
                  "address",
                  "sys.Label = 'refund'",
                  "SET sys.To = 'Entity'; SET sys.Label = 'refund-reviewed'",
                ),
              ],
            },
          ],
        },
      ],
    });
  });
  afterAll(() => t.stop());

  async function drain(subscription: string): Promise<ServiceBusReceivedMessage[]> {
    const receiver = t.client().createReceiver("events", subscription, { receiveMode: "receiveAndDelete" });
    const all: ServiceBusReceivedMessage[] = [];
    for (;;) {
      const got = await receiver.receiveMessages(20, { maxWaitTimeInMs: 700 });
      if (got.length === 0) return all;
      all.push(...got);
    }
  }

  it("gives every subscription its own copy and applies each subscription's rules", async () => {
    const sender = t.client().createSender("events");
    await sender.sendMessages([
      { body: "a", subject: "order", applicationProperties: { region: "emea", qty: 12, secretish: "x" } },
      { body: "b", subject: "order", applicationProperties: { region: "apac", qty: 50 } },
      { body: "c", subject: "refund", applicationProperties: { region: "emea", qty: 1 } },
      { body: "d", subject: "order" },
    ]);
    const bodies = async (name: string) => (await drain(name)).map((m) => m.body).sort();
    expect(await bodies("all")).toEqual(["a", "b", "c", "d"]);
    expect(await bodies("audit")).toEqual(["a", "b", "c", "d"]);
    expect(await bodies("emea")).toEqual(["a"]);
    expect(await bodies("big")).toEqual(["a", "b"]);
    expect(await bodies("no-region")).toEqual(["d"]);
    const tagged = await drain("tagged");
    const a = tagged.find((m) => m.body === "a");
    expect(a?.applicationProperties).toEqual({ region: "emea", qty: 12, routed: "yes" });
    const [addressed, ...others] = await drain("addressed");
    expect(others).toHaveLength(0);
    expect(addressed).toMatchObject({ body: "c", to: "Entity", subject: "refund-reviewed" });
    // Other subscriptions' copies are untouched by this subscription's action.
    expect(tagged.find((m) => m.body === "c")).toMatchObject({ subject: "refund" });
    expect(tagged.find((m) => m.body === "c")?.to).toBeUndefined();
  });

  it("keeps subscription copies independent: completing one leaves the others", async () => {
    await t.client().createSender("events").sendMessages({ body: "solo" });
    const receiver = t.client().createReceiver("events", "all");
    const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 3000 });
    await receiver.completeMessage(m!);
    const audit = await t.client().createReceiver("events", "audit").peekMessages(10);
    expect(audit.map((x) => x.body)).toContain("solo");
    await drain("audit");
    await drain("no-region");
    await drain("tagged");
  });

  it("refuses to receive from a topic itself", async () => {
    await expect(
      t
        .client()
        .createReceiver("events" as string, "missing")
        .receiveMessages(1, { maxWaitTimeInMs: 1000 }),
    ).rejects.toMatchObject({
      code: "MessagingEntityNotFound",
    });
  });
});
