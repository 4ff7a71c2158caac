// The OpenAPI 3.1 document, built from the routes' own specs (route-spec.ts): their valibot schemas turned
// into JSON Schema 2020-12, which OpenAPI 3.1 uses as is.
import { toJsonSchema } from "@valibot/to-json-schema";
import type { GenericSchema } from "valibot";
import { ErrorEnvelopeSchema } from "./error-schema.ts";
import { bodyLimitOf, type ResponseSpec, type RouteSpec, rateLimitOf } from "./route-spec.ts";

type Json = Record<string, unknown>;

const ERROR_REF = { $ref: "#/components/schemas/Error" };

/**
 * Requests are described as sent (before transforms: a query's "20" is a string); answers as built. Checks
 * JSON Schema cannot say (a custom check) are left out of the document, never guessed at.
 */
function jsonSchema(schema: GenericSchema, typeMode: "input" | "output"): Json {
  const { $schema: _, ...rest } = toJsonSchema(schema, {
    target: "draft-2020-12",
    typeMode,
    errorMode: "ignore",
  }) as Json;
  return rest;
}

function errorResponse(description: string): Json {
  return { description, content: { "application/json": { schema: ERROR_REF } } };
}

function response(spec: ResponseSpec): Json {
  const mediaType = spec.mediaType ?? "application/json";
  const content =
    spec.schema === undefined
      ? { [mediaType]: {} }
      : { [mediaType]: { schema: jsonSchema(spec.schema, "output") } };
  const headers = Object.fromEntries(
    Object.entries(spec.headers ?? {}).map(([name, description]) => [
      name,
      { description, schema: { type: "string" } },
    ]),
  );
  return {
    description: spec.description,
    content,
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
  };
}

function parameters(route: RouteSpec): Json[] {
  const inPath = Object.entries(route.pathParams ?? {}).map(([name, param]) => ({
    name,
    in: "path",
    required: true,
    description: param.description,
    schema: jsonSchema(param.schema, "input"),
  }));
  if (route.query === undefined) return inPath;
  const query = jsonSchema(route.query, "input") as {
    properties?: Record<string, Json>;
    required?: string[];
  };
  const inQuery = Object.entries(query.properties ?? {}).map(([name, schema]) => {
    const { description, ...rest } = schema;
    return {
      name,
      in: "query",
      required: (query.required ?? []).includes(name),
      ...(description === undefined ? {} : { description }),
      schema: rest,
    };
  });
  return [...inPath, ...inQuery];
}

function operation(route: RouteSpec): Json {
  const responses: Record<string, Json> = {};
  for (const [status, spec] of Object.entries(route.responses)) responses[status] = response(spec);
  const takesInput = route.pathParams !== undefined || route.query !== undefined || route.body !== undefined;
  if (takesInput && responses["400"] === undefined) {
    responses["400"] = errorResponse("The request is not valid; details name every field at fault.");
  }
  if (route.role !== "public") {
    responses["401"] = errorResponse("No credential, or one that is not valid (see WWW-Authenticate).");
    responses["403"] = errorResponse(`The caller's role is below ${route.role}.`);
  }
  // A read's body is never read, so only other methods can be refused one.
  const maxBodyBytes = bodyLimitOf(route);
  if (route.method !== "get") {
    responses["413"] = errorResponse(
      maxBodyBytes === 0
        ? "A request body was sent; this route takes none."
        : `The request body is larger than this route takes (x-maxBodyBytes, ${maxBodyBytes} bytes).`,
    );
  }
  const budget = rateLimitOf(route);
  if (budget !== undefined) {
    responses["429"] = {
      ...errorResponse(
        `The caller has used its ${budget} requests for this minute; retry after Retry-After seconds.`,
      ),
      headers: {
        "Retry-After": { schema: { type: "integer" } },
        "X-RateLimit-Limit": { schema: { type: "integer" } },
        "X-RateLimit-Remaining": { schema: { type: "integer" } },
        "X-RateLimit-Reset": { schema: { type: "integer" } },
      },
    };
  }
  responses["500"] = errorResponse("The gateway failed; the error was logged under the trace id.");
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description === undefined ? {} : { description: route.description }),
    tags: [route.tag],
    security: route.role === "public" ? [] : [{ bearer: [] }, { apiKey: [] }],
    "x-haymaker-role": route.role,
    ...(budget === undefined ? {} : { "x-haymaker-rate-limit": budget }),
    "x-maxBodyBytes": maxBodyBytes,
    parameters: parameters(route),
    ...(route.body === undefined
      ? {}
      : {
          requestBody: {
            required: true,
            content: { "application/json": { schema: jsonSchema(route.body, "input") } },
          },
        }),
    responses,
  };
}

export function openApiDocument(routes: readonly RouteSpec[], version: string): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of routes) {
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, Json>)[route.method] = operation(route);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "HayMaker gateway",
      version,
      description:
        "Run HayMaker and read what it did: executions, agents, their logs and events, resources, identities, metrics.\n\n" +
        "Every route but /api/health needs a credential: an API key (`Authorization: Bearer hm_…` or `X-API-Key`) " +
        "or, when configured, an Entra ID access token. Roles: reader reads; operator also executes, cancels and " +
        "cleans up; admin also manages keys. Reads answer with an ETag and 304 to If-None-Match. A W3C " +
        "traceparent header is carried onto the events a request causes, and errors quote its trace id.",
    },
    servers: [{ url: "/" }],
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          description: "An API key (hm_…) or an Entra ID access token for the gateway's app.",
        },
        apiKey: { type: "apiKey", in: "header", name: "X-API-Key" },
      },
      schemas: { Error: jsonSchema(ErrorEnvelopeSchema, "output") },
    },
  };
}
