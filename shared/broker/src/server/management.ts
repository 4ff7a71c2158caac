// The `<entity>/$management` request/response node: the Service Bus operations clients perform outside
// the message links (peek, renew-lock, schedule, cancel, receive deferred by sequence number, settle
// through management).
import { MalformedMessageError, parseMessage } from "../amqp/encoded-message.ts";
import { lockTokenFromUuid, lockTokenToUuidBytes } from "../amqp/lock-token.ts";
import { types } from "../amqp/rhea.ts";
import { type BrokerEngine, EntityNotFoundError, RuleConflictError } from "../engine/broker-engine.ts";
import type { MessageQueue, Outcome } from "../engine/message-queue.ts";
import { FilterSyntaxError } from "../filters/index.ts";
import { RuleRequestError, ruleFromRequest, rulesResponse } from "./rule-management.ts";

export interface ManagementResponse {
  statusCode: number;
  description: string;
  errorCondition?: string;
  body?: unknown;
}

const TIMESTAMP = 0x83;
const LONG = 0x81;

const ok = (body?: unknown): ManagementResponse => ({ statusCode: 200, description: "OK", body });
const fail = (statusCode: number, errorCondition: string, description: string): ManagementResponse => ({
  statusCode,
  errorCondition,
  description,
});

type Body = Record<string, unknown>;

export function handleManagement(
  engine: BrokerEngine,
  entityPath: string,
  operation: unknown,
  body: unknown,
): ManagementResponse {
  const request = (body && typeof body === "object" ? body : {}) as Body;
  try {
    switch (operation) {
      case "com.microsoft:peek-message":
        return withQueue(engine, entityPath, (queue) => peek(queue, request));
      case "com.microsoft:renew-lock":
        return withQueue(engine, entityPath, (queue) => renewLocks(queue, request));
      case "com.microsoft:schedule-message":
        return schedule(engine, entityPath, request);
      case "com.microsoft:cancel-scheduled-message":
        engine.cancelScheduled(entityPath, numbers(request["sequence-numbers"]));
        return ok();
      case "com.microsoft:receive-by-sequence-number":
        return withQueue(engine, entityPath, (queue) => receiveDeferred(queue, request));
      case "com.microsoft:update-disposition":
        return withQueue(engine, entityPath, (queue) => updateDisposition(queue, request));
      case "com.microsoft:add-rule":
        engine.addRule(entityPath, ruleFromRequest(request));
        return ok();
      case "com.microsoft:remove-rule":
        engine.removeRule(entityPath, String(request["rule-name"] ?? ""));
        return ok();
      case "com.microsoft:enumerate-rules": {
        const rules = engine.rules(entityPath);
        const skip = Math.max(0, Number(request.skip ?? 0));
        const top = Math.max(0, Number(request.top ?? rules.length));
        return rules.length > skip
          ? ok(rulesResponse(rules, skip, top))
          : { statusCode: 204, description: "No rules" };
      }
      default:
        return fail(
          501,
          "com.microsoft:not-implemented",
          `HayMaker's embedded broker does not implement the operation ${String(operation)}.`,
        );
    }
  } catch (error) {
    if (error instanceof EntityNotFoundError) return fail(404, "amqp:not-found", error.message);
    if (error instanceof MalformedMessageError) return fail(400, "amqp:decode-error", error.message);
    if (error instanceof RequestError || error instanceof RuleRequestError) {
      return fail(400, "com.microsoft:argument-error", error.message);
    }
    if (error instanceof FilterSyntaxError) return fail(400, "com.microsoft:argument-error", error.message);
    if (error instanceof RuleConflictError)
      return fail(409, "com.microsoft:entity-already-exists", error.message);
    throw error;
  }
}

class RequestError extends Error {}

function withQueue(
  engine: BrokerEngine,
  path: string,
  operation: (queue: MessageQueue) => ManagementResponse,
): ManagementResponse {
  const queue = engine.queue(path);
  if (!queue) throw new EntityNotFoundError(`The messaging entity '${path}' could not be found.`);
  return operation(queue);
}

function numbers(value: unknown): number[] {
  if (!Array.isArray(value)) throw new RequestError("sequence-numbers must be an array of longs");
  return value.map((item) => Number(item));
}

function lockTokens(value: unknown): string[] {
  if (!Array.isArray(value)) throw new RequestError("lock-tokens must be an array of uuids");
  return value.map((item) => {
    const token = lockTokenFromUuid(item);
    if (!token) throw new RequestError("lock-tokens must be an array of uuids");
    return token;
  });
}

function peek(queue: MessageQueue, request: Body): ManagementResponse {
  const from = Number(request["from-sequence-number"] ?? 0);
  const count = Math.max(1, Math.min(Number(request["message-count"] ?? 1), 1000));
  const records = queue.peek(from, count);
  if (records.length === 0) return { statusCode: 204, description: "No messages" };
  return ok({ messages: records.map((record) => ({ message: queue.encodeFor(record) })) });
}

function renewLocks(queue: MessageQueue, request: Body): ManagementResponse {
  const expirations: number[] = [];
  for (const token of lockTokens(request["lock-tokens"])) {
    const until = queue.renew(token);
    if (until === undefined) {
      return fail(
        410,
        "com.microsoft:message-lock-lost",
        `The lock supplied is invalid. Either the lock expired, or the message has already been removed from the queue. Reference: ${token}`,
      );
    }
    expirations.push(until);
  }
  return ok({ expirations: types.wrap_array(expirations, TIMESTAMP) });
}

function schedule(engine: BrokerEngine, path: string, request: Body): ManagementResponse {
  const entries = request.messages;
  if (!Array.isArray(entries))
    throw new RequestError("messages must be a list of maps with a binary 'message'");
  const sequenceNumbers = entries.map((entry) => {
    const bytes = (entry as Body | undefined)?.message;
    if (!Buffer.isBuffer(bytes))
      throw new RequestError("each scheduled message must carry its encoded AMQP message as binary");
    return engine.schedule(path, parseMessage(bytes));
  });
  return ok({ "sequence-numbers": types.wrap_array(sequenceNumbers, LONG) });
}

function receiveDeferred(queue: MessageQueue, request: Body): ManagementResponse {
  const messages: Body[] = [];
  for (const sequenceNumber of numbers(request["sequence-numbers"])) {
    const record = queue.records.get(sequenceNumber);
    if (record?.state !== "deferred" || record.lock) {
      return fail(
        404,
        "com.microsoft:message-not-found",
        `Failed to retrieve the deferred message with sequence number ${sequenceNumber}.`,
      );
    }
    const lock = queue.lock(record);
    messages.push({
      "lock-token": types.wrap_uuid(lockTokenToUuidBytes(lock.token.id)),
      message: queue.encodeFor(record, lock),
    });
  }
  return ok({ messages });
}

const DISPOSITIONS: Record<string, Outcome["kind"]> = {
  completed: "complete",
  abandoned: "abandon",
  suspended: "deadLetter",
  defered: "defer",
  deferred: "defer",
};

function updateDisposition(queue: MessageQueue, request: Body): ManagementResponse {
  const kind = DISPOSITIONS[String(request["disposition-status"])];
  if (!kind) throw new RequestError("disposition-status must be completed, abandoned, suspended or defered");
  const properties = (request["properties-to-modify"] ?? undefined) as Record<string, unknown> | undefined;
  const outcome: Outcome =
    kind === "deadLetter"
      ? {
          kind,
          reason: request["deadletter-reason"] as string | undefined,
          description: request["deadletter-description"] as string | undefined,
          properties,
        }
      : kind === "complete"
        ? { kind }
        : { kind, properties };
  for (const token of lockTokens(request["lock-tokens"])) {
    if (!queue.settle(token, outcome)) {
      return fail(
        410,
        "com.microsoft:message-lock-lost",
        `The lock supplied is invalid. Either the lock expired, or the message has already been removed from the queue. Reference: ${token}`,
      );
    }
  }
  return ok();
}
