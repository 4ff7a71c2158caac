import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AMQP_TYPE_PROPERTY } from "./cloudevent.ts";
import { AGENT_TELEMETRY_TOPIC, EVENT_NAMES, EVENTS, type EventName, eventType } from "./events/registry.ts";
import { parseIsoDuration } from "./time.ts";
import { buildTopology, CONSUMERS, subscriptionsOf, type Topology, topicFor, topology } from "./topology.ts";
import { buildBicepTopology, buildEmulatorConfig, generatedFiles } from "./topology-documents.ts";

const repositoryRoot = join(import.meta.dirname, "..", "..");

// Service Bus naming rules: topics 1-260 characters, subscriptions and rules 1-50; letters, digits,
// periods, hyphens and underscores (topics also slashes), starting and ending with a letter or digit.
const TOPIC_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._/-]{0,258}[A-Za-z0-9])?$/;
const SUBSCRIPTION_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,48}[A-Za-z0-9])?$/;

const TELEMETRY: EventName[] = [
  "agent.log",
  "agent.resource.created",
  "agent.resource.deleted",
  "agent.progress",
];

function first<T>(items: readonly T[]): T {
  const [item] = items;
  if (item === undefined) throw new Error("expected at least one item");
  return item;
}

describe("bus topology", () => {
  it("gives every event type a topic, named after it unless it is agent telemetry", () => {
    for (const name of EVENT_NAMES) {
      const expected = TELEMETRY.includes(name) ? AGENT_TELEMETRY_TOPIC : name.replaceAll(".", "-");
      expect(topicFor(name)).toBe(expected);
      expect(topicFor(eventType(name))).toBe(expected);
      const topic = topology.topics.find((t) => t.name === expected);
      expect(topic?.eventTypes).toContain(eventType(name));
    }
    expect(topology.topics).toHaveLength(EVENT_NAMES.length - TELEMETRY.length + 1);
  });

  it("gives every topic a projector subscription that receives all of it", () => {
    for (const topic of topology.topics) {
      const projector = topic.subscriptions.find((s) => s.name === "projector");
      expect(projector, topic.name).toBeDefined();
      expect(projector?.eventTypes).toEqual(topic.eventTypes);
      expect(projector?.rules).toEqual([]);
      expect(projector?.maxDeliveryCount).toBe(10);
    }
  });

  it("uses names Service Bus accepts", () => {
    for (const topic of topology.topics) {
      expect(topic.name).toMatch(TOPIC_NAME);
      for (const subscription of topic.subscriptions) {
        expect(subscription.name).toMatch(SUBSCRIPTION_NAME);
        for (const rule of subscription.rules) expect(rule.name).toMatch(SUBSCRIPTION_NAME);
      }
    }
  });

  it("uses valid durations within Service Bus limits", () => {
    for (const topic of topology.topics) {
      expect(parseIsoDuration(topic.defaultMessageTimeToLive)).toBeGreaterThan(0);
      for (const subscription of topic.subscriptions) {
        const lock = parseIsoDuration(subscription.lockDuration) ?? 0;
        expect(lock).toBeGreaterThanOrEqual(5_000);
        expect(lock).toBeLessThanOrEqual(5 * 60_000);
        expect(subscription.defaultMessageTimeToLive).toBe(topic.defaultMessageTimeToLive);
        expect(subscription.deadLetteringOnMessageExpiration).toBe(true);
      }
    }
  });

  it("delivers each event to the services the architecture names", () => {
    const consumersOf = (name: EventName) =>
      topology.topics
        .flatMap((topic) => topic.subscriptions)
        .filter((s) => s.eventTypes.includes(eventType(name)) && s.name !== "projector")
        .map((s) => s.name);
    expect(consumersOf("run.requested")).toEqual(["validate"]);
    expect(consumersOf("run.validated")).toEqual(["select"]);
    expect(consumersOf("agent.selected")).toEqual(["provision"]);
    expect(consumersOf("identity.provisioned")).toEqual(["deploy"]);
    expect(consumersOf("agent.deployed")).toEqual(["monitor"]);
    expect(consumersOf("agent.check")).toEqual(["monitor"]);
    expect(consumersOf("run.cancel.requested")).toEqual(["monitor"]);
    expect(consumersOf("agent.finished")).toEqual(["verify-cleanup"]);
    expect(consumersOf("cleanup.required")).toEqual(["force-cleanup"]);
    expect(consumersOf("cleanup.requested")).toEqual(["force-cleanup"]);
    expect(consumersOf("agent.cleaned")).toEqual(["report"]);
    expect(consumersOf("run.failed")).toEqual(["report"]);
    expect(consumersOf("run.rejected")).toEqual(["report"]);
    expect(consumersOf("report.due")).toEqual(["report"]);
    for (const name of ["run.completed", "cleanup.completed", ...TELEMETRY] as EventName[])
      expect(consumersOf(name)).toEqual([]);
  });

  it("lists a service's subscriptions with their settings", () => {
    expect(subscriptionsOf("monitor").map((s) => s.topic)).toEqual([
      "agent-deployed",
      "agent-check",
      "run-cancel-requested",
    ]);
    expect(subscriptionsOf("provision")).toEqual([
      expect.objectContaining({ topic: "agent-selected", lockDuration: "PT5M", maxDeliveryCount: 5 }),
    ]);
    expect(subscriptionsOf("projector")).toHaveLength(topology.topics.length);
    for (const service of Object.keys(CONSUMERS) as (keyof typeof CONSUMERS)[]) {
      expect(subscriptionsOf(service).length).toBeGreaterThan(0);
    }
  });

  it("adds a rule on the type property when a service wants only part of a shared topic", () => {
    const hypothetical = buildTopology({
      ...CONSUMERS,
      inventory: { consumes: ["agent.resource.created", "agent.resource.deleted"] },
    });
    const telemetry = hypothetical.topics.find((t) => t.name === AGENT_TELEMETRY_TOPIC);
    const inventory = telemetry?.subscriptions.find((s) => s.name === "inventory");
    expect(inventory?.rules).toEqual([
      {
        name: "agent-resource-created",
        filter: { properties: { [AMQP_TYPE_PROPERTY]: "com.haymaker.agent.resource.created.v1" } },
      },
      {
        name: "agent-resource-deleted",
        filter: { properties: { cloudEvents_type: "com.haymaker.agent.resource.deleted.v1" } },
      },
    ]);
    expect(hypothetical.topics.flatMap((t) => t.subscriptions).filter((s) => s.name !== "inventory")).toEqual(
      topology.topics.flatMap((t) => t.subscriptions),
    );
  });

  it("refuses lock durations Service Bus would refuse", () => {
    expect(() => buildTopology({ slow: { consumes: ["run.requested"], lockDuration: "PT10M" } })).toThrow(
      /lockDuration/,
    );
    expect(() => buildTopology({ odd: { consumes: ["run.requested"], maxDeliveryCount: 0 } })).toThrow(
      /maxDeliveryCount/,
    );
  });

  it("derives every topic from the registry", () => {
    expect(new Set(topology.topics.map((t) => t.name))).toEqual(
      new Set(Object.values(EVENTS).map((e) => e.topic)),
    );
  });
});

describe("generated documents", () => {
  const withRules = buildTopology({
    inventory: { consumes: ["agent.resource.created"] },
  });
  // Rules from a hand-written topology, to cover SQL filters, actions and every correlation field.
  const topic = first(topology.topics);
  const custom: Topology = {
    topics: [
      {
        ...topic,
        subscriptions: [
          {
            ...first(topic.subscriptions),
            rules: [
              {
                name: "sql",
                filter: { sql: "cloudEvents_type LIKE 'com.haymaker.run.%'" },
                action: "SET x = 1",
              },
              {
                name: "all-fields",
                filter: {
                  correlationId: "c",
                  messageId: "m",
                  to: "t",
                  replyTo: "r",
                  label: "l",
                  sessionId: "s",
                  replyToSessionId: "rs",
                  contentType: "application/json",
                  properties: { a: "b" },
                },
              },
            ],
          },
        ],
      },
    ],
  };

  it("writes the emulator Config.json format", () => {
    const config = buildEmulatorConfig(withRules);
    const namespace = config.UserConfig.Namespaces[0];
    expect(namespace?.Name).toBe("haymaker");
    expect(namespace?.Queues).toEqual([]);
    expect(config.UserConfig.Logging).toEqual({ Type: "Console" });
    const telemetry = namespace?.Topics.find((t) => t.Name === "agent-telemetry");
    expect(telemetry?.Properties).toEqual({
      DefaultMessageTimeToLive: "P2D",
      DuplicateDetectionHistoryTimeWindow: "PT10M",
      RequiresDuplicateDetection: false,
    });
    expect(telemetry?.Subscriptions).toEqual([
      {
        Name: "inventory",
        Properties: {
          DeadLetteringOnMessageExpiration: true,
          DefaultMessageTimeToLive: "P2D",
          LockDuration: "PT1M",
          MaxDeliveryCount: 5,
          ForwardDeadLetteredMessagesTo: "",
          ForwardTo: "",
          RequiresSession: false,
        },
        Rules: [
          {
            Name: "agent-resource-created",
            Properties: {
              FilterType: "Correlation",
              CorrelationFilter: {
                Properties: { cloudEvents_type: "com.haymaker.agent.resource.created.v1" },
              },
            },
          },
        ],
      },
    ]);
    const rules = buildEmulatorConfig(custom).UserConfig.Namespaces[0]?.Topics[0]?.Subscriptions[0]?.Rules;
    expect(rules).toEqual([
      {
        Name: "sql",
        Properties: {
          FilterType: "Sql",
          SqlFilter: { SqlExpression: "cloudEvents_type LIKE 'com.haymaker.run.%'" },
          Action: { SqlExpression: "SET x = 1" },
        },
      },
      {
        Name: "all-fields",
        Properties: {
          FilterType: "Correlation",
          CorrelationFilter: {
            ContentType: "application/json",
            CorrelationId: "c",
            Label: "l",
            MessageId: "m",
            ReplyTo: "r",
            ReplyToSessionId: "rs",
            SessionId: "s",
            To: "t",
            Properties: { a: "b" },
          },
        },
      },
    ]);
  });

  it("writes flat topic, subscription and rule lists with ARM property names for Bicep", () => {
    const bicep = buildBicepTopology(withRules);
    expect(bicep.topics).toHaveLength(topology.topics.length);
    expect(bicep.topics[0]).toEqual({
      name: "run-requested",
      properties: {
        defaultMessageTimeToLive: "P14D",
        requiresDuplicateDetection: false,
        duplicateDetectionHistoryTimeWindow: "PT10M",
      },
    });
    expect(bicep.subscriptions).toEqual([
      {
        topic: "agent-telemetry",
        name: "inventory",
        properties: {
          lockDuration: "PT1M",
          maxDeliveryCount: 5,
          deadLetteringOnMessageExpiration: true,
          defaultMessageTimeToLive: "P2D",
        },
      },
    ]);
    expect(bicep.rules).toEqual([
      {
        topic: "agent-telemetry",
        subscription: "inventory",
        name: "agent-resource-created",
        properties: {
          filterType: "CorrelationFilter",
          correlationFilter: { properties: { cloudEvents_type: "com.haymaker.agent.resource.created.v1" } },
        },
      },
    ]);
    expect(buildBicepTopology(custom).rules.map((r) => r.properties)).toEqual([
      {
        filterType: "SqlFilter",
        sqlFilter: { sqlExpression: "cloudEvents_type LIKE 'com.haymaker.run.%'" },
        action: { sqlExpression: "SET x = 1" },
      },
      {
        filterType: "CorrelationFilter",
        correlationFilter: {
          contentType: "application/json",
          correlationId: "c",
          label: "l",
          messageId: "m",
          replyTo: "r",
          replyToSessionId: "rs",
          sessionId: "s",
          to: "t",
          properties: { a: "b" },
        },
      },
    ]);
  });

  it.each(generatedFiles(topology))(
    "keeps $path up to date (run `npm run generate`)",
    ({ path, content }) => {
      expect(readFileSync(join(repositoryRoot, path), "utf8")).toBe(content);
      expect(content.endsWith("}\n")).toBe(true);
    },
  );
});
