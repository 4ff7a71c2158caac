// Calls the gateway and turns its error envelope { error: { code, message, details, traceId } } into a
// CliError whose exit code says what kind of failure it was.
import { CliError, EXIT, type ExitCode } from "./cli-error.ts";
import type { Endpoint } from "./endpoint.ts";

interface ErrorEnvelope {
  error?: { code?: string; message?: string; details?: { path: string; reason: string }[]; traceId?: string };
}

export type Query = Record<string, string | number | undefined>;

export interface OpenOptions {
  method?: string;
  query?: Query;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export class GatewayClient {
  readonly #endpoint: Endpoint;

  constructor(endpoint: Endpoint) {
    this.#endpoint = endpoint;
  }

  get(path: string, query: Query = {}): Promise<unknown> {
    return this.request("GET", path, undefined, query);
  }

  post(path: string, body: unknown): Promise<unknown> {
    return this.request("POST", path, body);
  }

  delete(path: string): Promise<unknown> {
    return this.request("DELETE", path);
  }

  /** A text answer (e.g. a Markdown report), unparsed. */
  async getText(path: string, query: Query, accept: string): Promise<string> {
    const response = await this.open(path, { query, headers: { accept } });
    return response.text();
  }

  async request(method: string, path: string, body?: unknown, query: Query = {}): Promise<unknown> {
    const response = await this.open(path, { method, query, body });
    const text = await response.text();
    return text === "" ? undefined : JSON.parse(text);
  }

  /**
   * Sends a request and returns the successful response with its body unread (for streams). A failure
   * is thrown as a CliError; one that never reached the gateway has no code, so callers can retry it.
   */
  async open(path: string, options: OpenOptions = {}): Promise<Response> {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) search.set(name, `${value}`);
    }
    const base = this.#endpoint.url.endsWith("/") ? this.#endpoint.url : `${this.#endpoint.url}/`;
    const url = new URL(`${path}${search.size > 0 ? `?${search}` : ""}`, base);
    const headers: Record<string, string> = { accept: "application/json", ...options.headers };
    if (this.#endpoint.apiKey) headers.authorization = `Bearer ${this.#endpoint.apiKey}`;
    if (options.body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await fetch(url, {
        method: options.method ?? "GET",
        headers,
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new CliError(
        `cannot reach the gateway at ${this.#endpoint.url} (from ${this.#endpoint.source}): ${cause}`,
        EXIT.failure,
      );
    }
    if (response.ok) return response;
    throw failureOf(response.status, await response.text());
  }
}

function failureOf(status: number, text: string): CliError {
  let envelope: ErrorEnvelope = {};
  try {
    envelope = JSON.parse(text) as ErrorEnvelope;
  } catch {
    // A proxy in front of the gateway may answer in HTML; the status still says enough.
  }
  const error = envelope.error ?? {};
  const details = (error.details ?? []).map((d) => (d.path ? `${d.path}: ${d.reason}` : d.reason));
  const message = [error.message ?? `the gateway answered HTTP ${status}`, ...details].join("; ");
  return new CliError(message, exitCodeOf(status), error.code ?? `HTTP ${status}`, error.traceId, status);
}

function exitCodeOf(status: number): ExitCode {
  if (status === 401 || status === 403) return EXIT.auth;
  if (status === 404) return EXIT.notFound;
  // The gateway rejected what was typed (a bad id, duration, tag): a usage problem, like a bad flag.
  if (status === 400) return EXIT.usage;
  return EXIT.failure;
}
