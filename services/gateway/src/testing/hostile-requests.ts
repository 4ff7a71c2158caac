// Malformed and hostile requests for every route of the gateway, drawn from ROUTE_SPECS with a seeded
// generator so a failing run can be replayed: bad JSON, bodies of the wrong types, over the limit, nested
// deep or chunked, path and query tricks, header tricks, other methods, broken HTTP framing — each with no
// credential, a bogus one or one of each role's keys.
import { seededRandom } from "@haymaker/contracts";
import { toJsonSchema } from "@valibot/to-json-schema";
import type { Role } from "../auth/api-key-store.ts";
import { bodyLimitOf, type RouteSpec } from "../openapi/route-spec.ts";
import type { RawRequest } from "./raw-http.ts";

export interface HostileRequest extends RawRequest {
  kind: string;
  operationId: string;
}

/** Ids that exist in the fuzzed gateway, so some requests reach the stores rather than a 404 at once. */
export interface KnownIds {
  keys: Record<Role, string>;
  runId: string;
  agentId: string;
  armId: string;
  scenarioId: string;
}

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const int = (random: Random, min: number, max: number) => min + Math.floor(random() * (max - min + 1));

const BAD_JSON = [
  "{",
  "}",
  "[",
  '{"a":}',
  '{"a" 1}',
  "{'a': 1}",
  '{"a":1,}',
  "[1,2,,3]",
  "nul",
  "NaN",
  "Infinity",
  "undefined",
  "// comment\n{}",
  '{"a":1} trailing',
  "\u0000",
  "\uFEFF{}",
  '"unterminated',
  '{"a":"\\u12"}',
  '{"a":"\\x41"}',
  "1e999999",
  "-",
  "[]]",
  "{}}",
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  "<xml/>",
  "a=1&b=2",
  "",
  " ",
  "null",
  "true",
  "0",
  '"a string"',
  "[]",
];

/** Values of every JSON type, odd ones included, for a field that expects one type. */
function wrongValue(random: Random, depth = 0): unknown {
  switch (int(random, 0, 14)) {
    case 0:
      return null;
    case 1:
      return pick(random, [0, -1, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 2 ** 53]);
    case 2:
      return pick(random, [true, false]);
    case 3:
      return "";
    case 4:
      return "x".repeat(int(random, 100, 20_000));
    case 5:
      return pick(random, [
        "\u0000",
        "\uD800",
        "é\u202E",
        "../../etc/passwd",
        "%00",
        "<script>",
        "' OR 1=1 --",
      ]);
    case 6:
      return depth > 3 ? [] : Array.from({ length: int(random, 0, 5) }, () => wrongValue(random, depth + 1));
    case 7:
      return depth > 3
        ? {}
        : { [pick(random, ["a", "__proto__", "constructor", "", "$where"])]: wrongValue(random, depth + 1) };
    case 8:
      return Array.from({ length: int(random, 1000, 3000) }, (_, i) => i);
    case 9:
      return "AccountKey=abc123; SharedAccessKey=xyz";
    case 10:
      return pick(random, ["small", "PT8H", "P1D", "nsg-rule-tuning", "run-20261124-060000-ab12", "admin"]);
    case 11:
      return pick(random, ["PT0S", "P99999D", "PT-1H", "2026-13-45T99:99:99Z", "now"]);
    case 12:
      return { dryRun: "yes", ids: "all" };
    case 13:
      return [[[[[[]]]]]];
    default:
      return "ünïcødé ✓ 🚀";
  }
}

const fieldsOf = new WeakMap<RouteSpec, string[]>();

/** The names of the fields the route's body takes (one made-up name for a route that takes none). */
function bodyFields(spec: RouteSpec): string[] {
  let fields = fieldsOf.get(spec);
  if (fields === undefined) {
    const schema =
      spec.body === undefined
        ? { properties: { a: {} } }
        : (toJsonSchema(spec.body, { errorMode: "ignore" }) as { properties?: Record<string, unknown> });
    fields = Object.keys(schema.properties ?? {});
    fieldsOf.set(spec, fields);
  }
  return fields;
}

function nested(depth: number): string {
  return `${"[".repeat(depth)}${"]".repeat(depth)}`;
}

const PATH_TRICKS = [
  "..",
  "%2e%2e",
  "%2E%2E%2F%2E%2E",
  "a%2Fb",
  "%00",
  "%",
  "%zz",
  "%c0%ae%c0%ae",
  "%E0%A4%A",
  "%ff%fe",
  "a;b=c",
  "a%20b",
  "a+b",
  "CON",
  "\u00e9",
  "x".repeat(4000),
  "run-20261124-060000-ab12%00",
  "run-20261124-060000-ab12.a01.a02",
  "..%5c..%5c",
  "%252e%252e",
  "%24%7Bjndi%3Aldap%3A%2F%2Fx%7D",
  "{id}",
  ":id",
  "*",
];

const TARGET_TRICKS = [
  (path: string) => `${path}/`,
  (path: string) => `${path}//`,
  (path: string) => path.replace("/api/", "//api/"),
  (path: string) => path.replace("/api/", "/api/./"),
  (path: string) => path.replace("/api/", "/api/../api/"),
  (path: string) => path.toUpperCase(),
  (path: string) => `${path}#fragment`,
  (path: string) => `${path}?`,
  (path: string) => `${path}?%`,
  (path: string) => `${path}?a=%zz&a=%00`,
  (path: string) => `http://evil.example${path}`,
  (path: string) => `HTTP://127.0.0.1:1${path}`,
  (path: string) => path.replace(/\//g, "\\"),
  (path: string) => path.replace("/api/", "/api%2F"),
  () => "*",
  () => "/",
  () => "/api",
  () => "/api/",
  () => "/docs/../api/keys",
  () => `/${"a/".repeat(2000)}`,
];

const QUERY_TRICKS = [
  "limit=-1",
  "limit=0",
  "limit=1e9",
  "limit=99999999999999999999",
  "limit=1&limit=2",
  "continuation=garbage",
  `continuation=${"A".repeat(3000)}`,
  "since=not-a-date",
  "since=2026-02-30T00:00:00Z",
  "until=0",
  "status=running&status=nonsense",
  "follow=true",
  "follow=true&tail=5",
  "follow=true&since=2026-01-01T00:00:00Z",
  "tail=-5",
  "afterSequence=NaN",
  "format=markdown",
  "format=xml",
  "period=999d",
  "__proto__=x",
  "constructor[prototype]=x",
  "a[b][c]=d",
  "executionId=../../x",
  "scenario=%00",
  "group=%zz",
  `x=${"y".repeat(6000)}`,
  "&&&==&",
];

const CONTENT_TYPES = [
  "application/json",
  "application/json; charset=utf-16",
  "application/JSON",
  "application/merge-patch+json",
  "application/jsonx",
  "text/plain",
  "text/json",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "",
  "application/json;;;",
  "*/*",
];

type Framing = (method: string, target: string, headers: [string, string][]) => RawRequest;

/** Requests whose HTTP itself is broken: Node's parser, or the adapter, refuses them. */
const FRAMING: Framing[] = [
  (method, target, headers) => ({ method: `${method} ${target}`, target: "HTTP/1.1", headers }),
  (method, target, headers) => ({ method, target: `${target} HTTP/1.1 extra`, headers }),
  (method, target, headers) => ({
    method,
    target,
    headers: [...headers, ["Content-Length", "3"], ["Transfer-Encoding", "chunked"]],
  }),
  (method, target, headers) => ({
    method,
    target,
    headers: [...headers, ["Content-Length", "3"], ["Content-Length", "4"]],
    body: Buffer.from("{}}"),
  }),
  (method, target, headers) => ({ method, target, headers: [...headers, ["Content-Length", "-1"]] }),
  (method, target, headers) => ({ method, target, headers: [...headers, ["Content-Length", "1e3"]] }),
  (method, target, headers) => ({
    method,
    target,
    headers: [...headers, ["Transfer-Encoding", "chunked"]],
    body: Buffer.from("zz\r\n{}\r\n0\r\n\r\n"),
  }),
  (method, target, headers) => ({
    method,
    target,
    headers: [...headers, ["Transfer-Encoding", "gzip, chunked"]],
    chunks: [Buffer.from("{}")],
  }),
  (method, target, headers) => ({ method, target, headers: [...headers, ["X-Big", "a".repeat(20_000)]] }),
  (method, target, headers) => ({ method, target, headers: [["Host", "a b"], ...headers.slice(1)] }),
  (method, target, headers) => ({ method, target, headers: headers.slice(1) }),
  (method, target, headers) => ({ method, target, headers: [...headers, ["Bad Name", "x"]] }),
  (method, target, headers) => ({ method, target, headers: [...headers, ["X-Ctl", "a\u0001b"]] }),
];

export interface Generator {
  next(): HostileRequest;
}

/** An endless, repeatable stream of hostile requests, cycling through every route. */
export function hostileRequests(seed: number, specs: readonly RouteSpec[], ids: KnownIds): Generator {
  const random = seededRandom(seed);
  let index = 0;
  const goodParam = (name: string, spec: RouteSpec): string => {
    if (spec.path.startsWith("/api/agents/{id}")) return `${ids.runId}.${ids.agentId}`;
    if (spec.path.startsWith("/api/resources/")) return encodeURIComponent(ids.armId);
    if (spec.path.startsWith("/api/scenarios/")) return ids.scenarioId;
    if (spec.path.startsWith("/api/dead-letters/"))
      return pick(random, ["agent-selected.provision.1", "a.b.99"]);
    if (spec.path.startsWith("/api/replays/")) return pick(random, ["rpl-1", "rpl-unknown"]);
    if (spec.path.startsWith("/api/keys/")) return pick(random, ["k1", "0123456789ab"]);
    return name === "agentId" ? ids.agentId : ids.runId;
  };
  const pathOf = (spec: RouteSpec, trick: boolean) =>
    spec.path.replace(/\{(\w+)\}/g, (_, name: string) =>
      trick && random() < 0.7 ? pick(random, PATH_TRICKS) : goodParam(name, spec),
    );
  const credential = (): [string, string][] => {
    const roll = random();
    if (roll < 0.4) return [["Authorization", `Bearer ${ids.keys.admin}`]];
    if (roll < 0.55) return [["Authorization", `Bearer ${ids.keys.operator}`]];
    if (roll < 0.65) return [["X-API-Key", ids.keys.reader]];
    if (roll < 0.8) return [];
    return [
      pick(random, [
        ["Authorization", "Bearer"],
        ["Authorization", "Bearer "],
        ["Authorization", `Basic ${Buffer.from("admin:admin").toString("base64")}`],
        ["Authorization", "Bearer hm_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"],
        ["Authorization", "Bearer eyJhbGciOiJub25lIn0.eyJyb2xlcyI6WyJIYXlNYWtlci5BZG1pbiJdfQ."],
        ["Authorization", `Bearer ${"a".repeat(8000)}`],
        ["X-API-Key", `${ids.keys.admin}x`],
        ["X-API-Key", ""],
        ["Authorization", `bearer\t${ids.keys.reader}`],
      ] as [string, string][]),
    ];
  };

  return {
    next(): HostileRequest {
      const spec = specs[index % specs.length] as RouteSpec;
      index++;
      const kind = pick(random, [
        "shape",
        "wrong-types",
        "bad-json",
        "huge-body",
        "chunked-body",
        "deep-body",
        "path",
        "query",
        "headers",
        "method",
        "framing",
      ]);
      let method = spec.method.toUpperCase();
      let target = pathOf(spec, kind === "path");
      const headers: [string, string][] = [["Host", "127.0.0.1"], ...credential()];
      let body: Buffer | undefined;
      let chunks: Buffer[] | undefined;
      const json = (value: unknown) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value));
      const fields = bodyFields(spec);
      const limit = bodyLimitOf(spec);

      switch (kind) {
        case "shape":
          body = json(spec.body === undefined ? {} : pick(random, [{}, { dryRun: true }, { size: "small" }]));
          break;
        case "wrong-types":
          body = json(Object.fromEntries(fields.map((field) => [field, wrongValue(random)])));
          break;
        case "bad-json":
          body =
            random() < 0.8
              ? json(pick(random, BAD_JSON))
              : Buffer.from(Array.from({ length: int(random, 1, 2000) }, () => int(random, 0, 255)));
          break;
        case "huge-body":
          body = Buffer.alloc(pick(random, [limit + 1, 70_000, 300_000, 1_000_000]), "a");
          break;
        case "chunked-body":
          chunks = Array.from({ length: int(random, 1, 40) }, () =>
            Buffer.alloc(int(random, 1, 16_384), "["),
          );
          headers.push(["Transfer-Encoding", "chunked"]);
          break;
        case "deep-body":
          body = json(
            random() < 0.5
              ? `{"${pick(random, fields)}":${nested(int(random, 33, 20_000))}}`
              : nested(int(random, 33, 200_000)),
          );
          break;
        case "query":
          target += `?${pick(random, QUERY_TRICKS)}${random() < 0.3 ? `&${pick(random, QUERY_TRICKS)}` : ""}`;
          break;
        case "path":
          if (random() < 0.5) target = pick(random, TARGET_TRICKS)(target);
          break;
        case "method":
          method = pick(random, [
            "GET",
            "POST",
            "DELETE",
            "PUT",
            "PATCH",
            "OPTIONS",
            "HEAD",
            "TRACE",
            "PROPFIND",
          ]);
          if (method !== "GET" && method !== "HEAD" && random() < 0.5) body = json({});
          break;
        case "headers":
          headers.push(
            ...pick(random, [
              [["traceparent", "00-zzzz-yyyy-01"]],
              [["traceparent", `00-${"0".repeat(32)}-${"0".repeat(16)}-01`]],
              [["tracestate", "x".repeat(8000)]],
              [["Last-Event-ID", "-1"]],
              [["Last-Event-ID", "99999999999999999999"]],
              [["If-None-Match", "*"]],
              [["If-None-Match", 'W/"x", "y", ,,']],
              [["Accept", "text/event-stream"]],
              [["Accept-Encoding", "gzip, br, zstd"]],
              [["Content-Encoding", "gzip"]],
              [["Expect", "100-continue"]],
              [["Range", "bytes=0-1"]],
              [
                ["Authorization", `Bearer ${ids.keys.admin}`],
                ["Authorization", "Bearer other"],
              ],
              [
                ["X-API-Key", ids.keys.reader],
                ["Authorization", `Bearer ${ids.keys.admin}`],
              ],
              [
                ["X-Forwarded-For", "1.2.3.4"],
                ["X-Forwarded-Host", "evil.example"],
              ],
              [
                ["Upgrade", "websocket"],
                ["Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="],
              ],
              [["Origin", "https://evil.example"]],
              [["Cookie", "a=b; session=x"]],
              [["X-Latin1", "caf\u00e9"]],
              Array.from({ length: 90 }, (_, i) => [`X-Many-${i}`, String(i)] as [string, string]),
            ] as [string, string][][]),
          );
          body = spec.method === "get" ? undefined : json({});
          break;
        default:
          break;
      }
      if (kind === "framing") {
        const variant = pick(random, FRAMING)(method, target, headers);
        const framed = [...variant.headers, ["Connection", "close"]] as [string, string][];
        return { kind, operationId: spec.operationId, ...variant, headers: framed };
      }
      if (body !== undefined || chunks !== undefined) {
        if (kind !== "headers" || random() < 0.8) {
          headers.push([
            "Content-Type",
            kind === "shape" || random() < 0.7 ? "application/json" : pick(random, CONTENT_TYPES),
          ]);
        }
        if (body !== undefined) headers.push(["Content-Length", String(body.length)]);
      }
      headers.push(["Connection", "close"]);
      return {
        kind,
        operationId: spec.operationId,
        method,
        target,
        headers,
        ...(body === undefined ? {} : { body }),
        ...(chunks === undefined ? {} : { chunks }),
      };
    },
  };
}
