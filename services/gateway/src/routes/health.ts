// GET /api/health — liveness for load balancers and `make run`'s own start-up wait.
import type { Hono } from "hono";

export function registerHealth(app: Hono): void {
  app.get("/api/health", (c) => c.json({ status: "ok" }));
}
