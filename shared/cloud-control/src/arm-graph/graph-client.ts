// A Microsoft Graph client that signs its requests with a TokenCredential. The Graph SDK's own
// authentication handler only signs https requests to Graph's hosts, so this chain puts the token on
// itself; that is what lets the same client talk to the sandbox cloud's plain-http loopback endpoint.
import type { TokenCredential } from "@azure/core-auth";
import {
  Client,
  type Context,
  HTTPMessageHandler,
  type Middleware,
  RetryHandler,
  RetryHandlerOptions,
} from "@microsoft/microsoft-graph-client";

const GRAPH_SCOPE = "https://graph.microsoft.com/.default";
const loopbackHosts = new Set(["127.0.0.1", "localhost", "[::1]"]);

class BearerTokenMiddleware implements Middleware {
  readonly #credential: TokenCredential;
  #next: Middleware | undefined;

  constructor(credential: TokenCredential) {
    this.#credential = credential;
  }

  async execute(context: Context): Promise<void> {
    const url = new URL(typeof context.request === "string" ? context.request : context.request.url);
    if (url.protocol !== "https:" && !loopbackHosts.has(url.hostname)) {
      throw new Error(`Refusing to send a bearer token over http to a non-loopback host (${url.host}).`);
    }
    const token = await this.#credential.getToken(GRAPH_SCOPE);
    if (token === null) throw new Error("The credential returned no token for Microsoft Graph.");
    const options = context.options ?? {};
    const headers = new Headers(options.headers as ConstructorParameters<typeof Headers>[0]);
    headers.set("Authorization", `Bearer ${token.token}`);
    context.options = { ...options, headers };
    if (this.#next === undefined) throw new Error("BearerTokenMiddleware must not be last in the chain.");
    await this.#next.execute(context);
  }

  setNext(next: Middleware): void {
    this.#next = next;
  }
}

/** `endpoint` is Graph's base URL without the version, e.g. https://graph.microsoft.com. */
export function createGraphClient(credential: TokenCredential, endpoint: string): Client {
  const auth = new BearerTokenMiddleware(credential);
  // Retries 429/503/504 honouring Retry-After, as Graph asks its callers to.
  const retry = new RetryHandler(new RetryHandlerOptions(1, 3));
  auth.setNext(retry);
  retry.setNext(new HTTPMessageHandler());
  return Client.initWithMiddleware({ middleware: auth, baseUrl: `${endpoint.replace(/\/+$/, "")}/` });
}
