// Calls the gateway and turns its error envelope { error: { code, message, details, traceId } } into a
// CliError whose exit code says what kind of failure it was.
import { CliError, EXIT, type ExitCode } from "./cli-error.ts";
import type { Endpoint } from "./endpoint.ts";

interface ErrorEnvelope {
  error?: { code?: string; message?: string; details?: { path: string; reason: string }[]; traceId?: string };
}

export class GatewayClient {
  readonly #endpoint: Endpoint;

  constructor(endpoint: Endpoint) {
    this.#endpoint = endpoint;
  }

  get(path: string, query: Record<string, string | number | undefined> = {}): Promise<unknown> {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) if (value !== undefined) search.set(name, `${value}`);
    const suffix = search.size > 0 ? `?${search}` : "";
    return this.request("GET", `${path}${suffix}`);
  }

  post(path: string, body: unknown): Promise<unknown> {
    return this.request("POST", path, body);
  }

  delete(path: string): Promise<unknown> {
    return this.request("DELETE", path);
  }

  async request(method: string, path: string, body?: unknown): Promise<unknown> {
    const url = new URL(
      path,
      this.#endpoint.url.endsWith("/") ? this.#endpoint.url : `${this.#endpoint.url}/`,
    );
    const headers: Record<string, string> = { accept: "application/json" };
    if (this.#endpoint.apiKey) headers.authorization = `Bearer ${this.#endpoint.apiKey}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new CliError(
        `cannot reach the gateway at ${this.#endpoint.url} (from ${this.#endpoint.source}): ${cause}`,
        EXIT.failure,
      );
    }
    const text = await response.text();
    if (response.ok) return text === "" ? undefined : JSON.parse(text);
    throw failureOf(response.status, text);
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
  return new CliError(message, exitCodeOf(status), error.code ?? `HTTP ${status}`, error.traceId);
}

function exitCodeOf(status: number): ExitCode {
  if (status === 401 || status === 403) return EXIT.auth;
  if (status === 404) return EXIT.notFound;
  // The gateway rejected what was typed (a bad id, duration, tag): a usage problem, like a bad flag.
  if (status === 400) return EXIT.usage;
  return EXIT.failure;
}
