// ETags on reads: every successful GET answer carries a hash of its body as its ETag, and a client that
// sends it back in If-None-Match gets 304 with no body. Answers may change with every event, so clients are
// told to revalidate (no-cache) rather than to keep a copy. Streams (Server-Sent Events) are left alone:
// hashing one would wait for its end.
import type { Context, MiddlewareHandler } from "hono";
import { etag } from "hono/etag";

function isStream(c: Context): boolean {
  return c.req.path.endsWith("/events") || c.req.query("follow") === "true";
}

export function conditionalReads(): MiddlewareHandler {
  const tag = etag();
  return async (c, next) => {
    if (c.req.method !== "GET" || isStream(c)) return next();
    await tag(c, async () => {
      await next();
      if (c.res.ok && !c.res.headers.has("cache-control"))
        c.res.headers.set("cache-control", "private, no-cache");
    });
  };
}
