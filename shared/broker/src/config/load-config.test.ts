import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "./load-config.ts";

const wrap = (namespace: Record<string, unknown>) =>
  JSON.stringify({ UserConfig: { Namespaces: [{ Name: "ns", ...namespace }] } });
const refused = (text: string) => {
  try {
    parseConfig(text, "Config.json");
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("the config was accepted");
};

describe("the broker's Config.json", () => {
  it("reads the emulator's format with defaults filled in", () => {
    const topology = parseConfig(
      wrap({
        Queues: [
          {
            Name: "q",
            Properties: {
              LockDuration: "PT30S",
              MaxDeliveryCount: 3,
              DefaultMessageTimeToLive: "PT1H",
              DeadLetteringOnMessageExpiration: true,
            },
          },
        ],
        Topics: [
          {
            Name: "t",
            Properties: { DefaultMessageTimeToLive: "P1D" },
            Subscriptions: [
              {
                Name: "s",
                Rules: [
                  {
                    Name: "r",
                    Properties: {
                      FilterType: "Sql",
                      SqlFilter: { SqlExpression: "a = 1" },
                      Action: { SqlExpression: "SET b = 2" },
                    },
                  },
                ],
              },
            ],
          },
        ],
      }),
    );
    expect(topology.namespace).toBe("ns");
    expect(topology.queues[0]?.settings).toMatchObject({
      lockDurationMs: 30_000,
      maxDeliveryCount: 3,
      defaultTtlMs: 3_600_000,
      deadLetteringOnMessageExpiration: true,
    });
    const subscription = topology.topics[0]?.subscriptions[0];
    expect(subscription?.settings).toMatchObject({
      lockDurationMs: 60_000,
      maxDeliveryCount: 3,
      defaultTtlMs: 86_400_000,
    });
    expect(subscription?.rules).toEqual([
      { name: "r", filter: { kind: "sql", expression: "a = 1" }, action: "SET b = 2" },
    ]);
  });

  it("names the entity and field of a bad duration", () => {
    const message = refused(
      wrap({
        Topics: [
          { Name: "orders", Subscriptions: [{ Name: "audit", Properties: { LockDuration: "1 minute" } }] },
        ],
      }),
    );
    expect(message).toBe(
      'Config.json: UserConfig.Namespaces[0] "ns".Topics[0] "orders".Subscriptions[0] "audit".Properties.LockDuration: expected an ISO-8601 duration such as PT1M or P14D',
    );
  });

  it("names the rule whose SQL filter does not parse", () => {
    const message = refused(
      wrap({
        Topics: [
          {
            Name: "t",
            Subscriptions: [
              {
                Name: "s",
                Rules: [
                  { Name: "bad", Properties: { FilterType: "Sql", SqlFilter: { SqlExpression: "a = = 1" } } },
                ],
              },
            ],
          },
        ],
      }),
    );
    expect(message).toMatch(
      /^Config\.json: UserConfig\.Namespaces\[0\] "ns"\.Topics\[0\] "t"\.Subscriptions\[0\] "s"\.Rules\[0\] "bad"\.Properties\.SqlFilter\.SqlExpression: /,
    );
  });

  it("refuses sessions, duplicate names, unknown forward targets, bad names and non-JSON", () => {
    expect(refused(wrap({ Queues: [{ Name: "q", Properties: { RequiresSession: true } }] }))).toMatch(
      /Queues\[0\] "q"\.Properties\.RequiresSession: sessions are not supported/,
    );
    expect(refused(wrap({ Queues: [{ Name: "q" }], Topics: [{ Name: "Q", Subscriptions: [] }] }))).toMatch(
      /"Q": the name "Q" is already used by Queues\[0\]/,
    );
    expect(refused(wrap({ Queues: [{ Name: "q", Properties: { ForwardTo: "elsewhere" } }] }))).toMatch(
      /ForwardTo: forwards to "elsewhere", which is not a queue or topic/,
    );
    expect(refused(wrap({ Queues: [{ Name: "bad name!" }] }))).toMatch(
      /Queues\[0\] "bad name!"\.Name: must be 1-260 letters/,
    );
    expect(refused(wrap({ Queues: [{ Name: "q", Properties: { MaxDeliveryCount: 0 } }] }))).toMatch(
      /MaxDeliveryCount/,
    );
    expect(refused("{ not json")).toMatch(/^Config\.json: not valid JSON/);
    expect(refused(JSON.stringify({ UserConfig: { Namespaces: [] } }))).toMatch(/exactly one namespace/);
  });
});
