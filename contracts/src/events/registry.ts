import type * as v from "valibot";
import type { CloudEvent } from "../cloudevent.ts";
import { EVENT_TYPE_PREFIX } from "../cloudevent.ts";
import { EventDataError, UnknownEventTypeError } from "../errors.ts";
import { check } from "../problems.ts";
import {
  AgentCheckDataSchema,
  AgentCleanedDataSchema,
  AgentDeployedDataSchema,
  AgentFinishedDataSchema,
  AgentSelectedDataSchema,
  CleanupRequiredDataSchema,
  IdentityProvisionedDataSchema,
} from "./agents.ts";
import {
  CleanupCompletedDataSchema,
  CleanupRequestedDataSchema,
  RunCancelRequestedDataSchema,
} from "./operator.ts";
import {
  ReportDueDataSchema,
  RunCompletedDataSchema,
  RunFailedDataSchema,
  RunRejectedDataSchema,
  RunRequestedDataSchema,
  RunValidatedDataSchema,
} from "./runs.ts";
import { AgentLogDataSchema, AgentProgressDataSchema, AgentResourceDataSchema } from "./telemetry.ts";

/** The topic every agent-emitted event goes to (one topic, so an agent needs send rights on one topic). */
export const AGENT_TELEMETRY_TOPIC = "agent-telemetry";

/**
 * Every HayMaker event: its short name, the schema of its data and the topic it is published on.
 * Pipeline events each have their own topic named after them in kebab case. This table is the single
 * source of truth the bus topology, the broker config and the Bicep templates are derived from.
 */
export const EVENTS = {
  "run.requested": { schema: RunRequestedDataSchema, topic: "run-requested" },
  "run.validated": { schema: RunValidatedDataSchema, topic: "run-validated" },
  "run.rejected": { schema: RunRejectedDataSchema, topic: "run-rejected" },
  "agent.selected": { schema: AgentSelectedDataSchema, topic: "agent-selected" },
  "identity.provisioned": { schema: IdentityProvisionedDataSchema, topic: "identity-provisioned" },
  "agent.deployed": { schema: AgentDeployedDataSchema, topic: "agent-deployed" },
  "agent.check": { schema: AgentCheckDataSchema, topic: "agent-check" },
  "agent.finished": { schema: AgentFinishedDataSchema, topic: "agent-finished" },
  "cleanup.required": { schema: CleanupRequiredDataSchema, topic: "cleanup-required" },
  "agent.cleaned": { schema: AgentCleanedDataSchema, topic: "agent-cleaned" },
  "report.due": { schema: ReportDueDataSchema, topic: "report-due" },
  "run.completed": { schema: RunCompletedDataSchema, topic: "run-completed" },
  "run.failed": { schema: RunFailedDataSchema, topic: "run-failed" },
  "run.cancel.requested": { schema: RunCancelRequestedDataSchema, topic: "run-cancel-requested" },
  "cleanup.requested": { schema: CleanupRequestedDataSchema, topic: "cleanup-requested" },
  "cleanup.completed": { schema: CleanupCompletedDataSchema, topic: "cleanup-completed" },
  "agent.log": { schema: AgentLogDataSchema, topic: AGENT_TELEMETRY_TOPIC },
  "agent.resource.created": { schema: AgentResourceDataSchema, topic: AGENT_TELEMETRY_TOPIC },
  "agent.resource.deleted": { schema: AgentResourceDataSchema, topic: AGENT_TELEMETRY_TOPIC },
  "agent.progress": { schema: AgentProgressDataSchema, topic: AGENT_TELEMETRY_TOPIC },
} as const satisfies Record<string, { schema: v.GenericSchema; topic: string }>;

/** Short event name, e.g. "run.requested". */
export type EventName = keyof typeof EVENTS;
/** Full CloudEvents type, e.g. "com.haymaker.run.requested.v1". */
export type EventType<N extends EventName = EventName> = `com.haymaker.${N}.v1`;
/** The short name inside a full type, or the name itself. */
export type EventNameOf<T extends EventName | EventType> =
  T extends `com.haymaker.${infer N extends EventName}.v1` ? N : T;
/** An event's data as parsed (defaults filled in). */
export type EventData<N extends EventName> = v.InferOutput<(typeof EVENTS)[N]["schema"]>;
/** An event's data as a producer may write it (fields with defaults may be left out). */
export type EventDataInput<N extends EventName> = v.InferInput<(typeof EVENTS)[N]["schema"]>;
export type TopicName = (typeof EVENTS)[EventName]["topic"];

/**
 * One HayMaker event with its type and data narrowed, e.g. EventOf<"run.requested">. Distributes over
 * unions, so EventOf<"agent.log" | "agent.progress"> is a union that `type` narrows.
 */
export type EventOf<N extends EventName> = N extends EventName
  ? CloudEvent<EventType<N>, EventData<N>>
  : never;
/** Any HayMaker event; switch on `type` to narrow `data`. */
export type HayMakerEvent = EventOf<EventName>;

export const EVENT_NAMES = Object.keys(EVENTS) as EventName[];

/** "run.requested" → "com.haymaker.run.requested.v1" */
export function eventType<N extends EventName>(name: N): EventType<N> {
  return `${EVENT_TYPE_PREFIX}${name}.v1` as EventType<N>;
}

const NAMES_BY_TYPE: ReadonlyMap<string, EventName> = new Map(
  EVENT_NAMES.map((name) => [eventType(name), name]),
);

export const EVENT_TYPES = [...NAMES_BY_TYPE.keys()] as EventType[];

/** The registry keyed by full CloudEvents type. */
export const EVENT_REGISTRY = Object.fromEntries(
  EVENT_NAMES.map((name) => [eventType(name), { name, ...EVENTS[name] }]),
) as { [N in EventName as EventType<N>]: { name: N } & (typeof EVENTS)[N] };

export function isEventType(type: string): type is EventType {
  return NAMES_BY_TYPE.has(type);
}

/** "com.haymaker.run.requested.v1" → "run.requested"; short names pass through. */
export function eventNameOf<T extends EventName | EventType>(type: T): EventNameOf<T> {
  const name = NAMES_BY_TYPE.get(type) ?? (Object.hasOwn(EVENTS, type) ? type : undefined);
  if (name === undefined) throw new UnknownEventTypeError(type);
  return name as EventNameOf<T>;
}

/**
 * Validates an event's data against the schema of its type and returns it typed (unknown keys are
 * dropped). Throws EventDataError naming the field at fault, or UnknownEventTypeError.
 */
export function parseEventData<T extends EventType>(type: T, data: unknown): EventData<EventNameOf<T>>;
export function parseEventData(type: string, data: unknown): EventData<EventName>;
export function parseEventData(type: string, data: unknown): EventData<EventName> {
  const name = NAMES_BY_TYPE.get(type);
  if (name === undefined) throw new UnknownEventTypeError(type);
  const result = check(EVENTS[name].schema, data, "data");
  if (!result.ok) throw new EventDataError(type, result.problems);
  return result.value;
}
