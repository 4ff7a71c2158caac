// The SDK's rule manager (add-rule, remove-rule, enumerate-rules over $management) and its effect on routing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBroker, type TestBroker } from "./harness.ts";

describe("managing a subscription's rules through the official SDK", () => {
  let t: TestBroker;
  beforeAll(async () => {
    t = await startTestBroker({
      topics: [
        {
          Name: "orders",
          Subscriptions: [
            { Name: "all" },
            {
              Name: "filtered",
              Rules: [
                { Name: "big", Properties: { FilterType: "Sql", SqlFilter: { SqlExpression: "qty > 10" } } },
              ],
            },
          ],
        },
      ],
    });
  });
  afterAll(() => t.stop());

  const bodies = async (subscription: string) => {
    const receiver = t.client().createReceiver("orders", subscription, { receiveMode: "receiveAndDelete" });
    const got = await receiver.receiveMessages(20, { maxWaitTimeInMs: 500 });
    await receiver.close();
    return got.map((m) => m.body).sort();
  };

  it("lists the rules from the config, including the $Default rule of a subscription without any", async () => {
    expect(await t.client().createRuleManager("orders", "all").listRules().next()).toMatchObject({
      value: { name: "$Default", filter: { sqlExpression: "1=1" }, action: {} },
    });
    const rules = [];
    for await (const rule of t.client().createRuleManager("orders", "filtered").listRules()) rules.push(rule);
    expect(rules).toEqual([{ name: "big", filter: { sqlExpression: "qty > 10" }, action: {} }]);
  });

  it("adds SQL and correlation rules, routes by them, and removes them", async () => {
    const manager = t.client().createRuleManager("orders", "all");
    await manager.deleteRule("$Default");
    await manager.createRule(
      "emea",
      { applicationProperties: { region: "emea" }, subject: "order" },
      { sqlExpression: "SET tagged = 'yes'" },
    );
    await manager.createRule("urgent", { sqlExpression: "priority = 'high'" });
    const rules = [];
    for await (const rule of manager.listRules()) rules.push(rule);
    expect(rules.map((rule) => rule.name)).toEqual(["emea", "urgent"]);
    expect(rules[0]).toMatchObject({
      filter: { subject: "order", applicationProperties: { region: "emea" } },
      action: { sqlExpression: "SET tagged = 'yes'" },
    });

    await t
      .client()
      .createSender("orders")
      .sendMessages([
        { body: "emea order", subject: "order", applicationProperties: { region: "emea" } },
        { body: "urgent", applicationProperties: { priority: "high" } },
        { body: "neither", applicationProperties: { region: "apac" } },
      ]);
    const receiver = t.client().createReceiver("orders", "all", { receiveMode: "receiveAndDelete" });
    const routed = await receiver.receiveMessages(20, { maxWaitTimeInMs: 500 });
    await receiver.close();
    expect(routed.map((m) => m.body).sort()).toEqual(["emea order", "urgent"]);
    expect(routed.find((m) => m.body === "emea order")?.applicationProperties).toEqual({
      region: "emea",
      tagged: "yes",
    });

    await manager.deleteRule("urgent");
    await t
      .client()
      .createSender("orders")
      .sendMessages({ body: "urgent again", applicationProperties: { priority: "high" } });
    expect(await bodies("all")).toEqual([]);
    await bodies("filtered");
  });

  it("refuses a duplicate rule name, an unknown rule and a filter that does not parse", async () => {
    const manager = t.client().createRuleManager("orders", "filtered");
    await expect(manager.createRule("big", { sqlExpression: "1=1" })).rejects.toThrow(/already exists/);
    await expect(manager.deleteRule("missing")).rejects.toThrow(/could not be found/);
    await expect(manager.createRule("broken", { sqlExpression: "qty >" })).rejects.toThrow(/position/);
  });
});
