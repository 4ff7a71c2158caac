// GET /api/openapi.json (reader, like every /api route but health) and GET /docs, a page a person reads
// in a browser: the same document rendered as HTML on the server, so it works offline and loads no script.

import type { Hono } from "hono";
import * as v from "valibot";
import packageJson from "../../package.json" with { type: "json" };
import { readAnswer } from "../read-answer.ts";
import { renderDocs } from "./docs-page.ts";
import { openApiDocument } from "./document.ts";
import { honoPath, type RouteSpec } from "./route-spec.ts";

export const openApiSpec: RouteSpec = {
  method: "get",
  path: "/api/openapi.json",
  operationId: "getOpenApiDocument",
  summary: "This API's OpenAPI 3.1 description",
  description: "The same document, for people, is at /docs.",
  tag: "Status",
  role: "reader",
  responses: {
    200: {
      description: "The OpenAPI document.",
      schema: v.object({ openapi: v.literal("3.1.0") }),
    },
  },
};

export function registerOpenApi(app: Hono, routes: () => readonly RouteSpec[]): void {
  let document: Record<string, unknown> | undefined;
  const built = () => {
    document ??= openApiDocument(routes(), packageJson.version);
    return document;
  };
  app.get(honoPath(openApiSpec), (c) => readAnswer(c, built()));
  let page: string | undefined;
  app.get("/docs", (c) => {
    page ??= renderDocs(built());
    return c.html(page);
  });
}
