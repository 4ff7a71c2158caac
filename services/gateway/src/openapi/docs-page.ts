// The API docs as one HTML page rendered from the OpenAPI document: every operation grouped by tag, with
// its role, parameters, body and answers (schemas folded away). No script, no network: it works wherever
// the gateway does.
type Json = Record<string, unknown>;

const escapeHtml = (text: unknown) => String(text).replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

const schemaBlock = (schema: unknown) =>
  schema === undefined
    ? ""
    : `<details><summary>schema</summary><pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre></details>`;

function parametersTable(parameters: Json[]): string {
  if (parameters.length === 0) return "";
  const rows = parameters
    .map((p) => {
      const schema = (p.schema ?? {}) as Json;
      const type = schema.enum ? (schema.enum as unknown[]).join(" | ") : (schema.type ?? "");
      return `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${escapeHtml(p.in)}</td><td>${p.required ? "yes" : ""}</td><td>${escapeHtml(type)}</td><td>${escapeHtml(p.description ?? "")}</td></tr>`;
    })
    .join("");
  return `<table><tr><th>parameter</th><th>in</th><th>required</th><th>type</th><th></th></tr>${rows}</table>`;
}

function operation(method: string, path: string, op: Json): string {
  const body = (op.requestBody as Json | undefined)?.content as Record<string, Json> | undefined;
  const responses = Object.entries((op.responses ?? {}) as Record<string, Json>)
    .map(([status, response]) => {
      const content = Object.entries((response.content ?? {}) as Record<string, Json>);
      const media = content.map(
        ([type, entry]) => `<code>${escapeHtml(type)}</code>${schemaBlock(entry.schema)}`,
      );
      return `<li><b>${escapeHtml(status)}</b> ${escapeHtml(response.description)} ${media.join(" ")}</li>`;
    })
    .join("");
  return `<section id="${escapeHtml(op.operationId)}">
<h3><span class="method ${escapeHtml(method)}">${escapeHtml(method.toUpperCase())}</span> <code>${escapeHtml(path)}</code></h3>
<p>${escapeHtml(op.summary)} <span class="role">role: ${escapeHtml(op["x-haymaker-role"])}</span></p>
${op.description ? `<p>${escapeHtml(op.description)}</p>` : ""}
${parametersTable((op.parameters ?? []) as Json[])}
${body ? `<p>Body (application/json)</p>${schemaBlock(body["application/json"]?.schema)}` : ""}
<ul>${responses}</ul>
</section>`;
}

export function renderDocs(document: Json): string {
  const info = document.info as Json;
  const byTag = new Map<string, string[]>();
  for (const [path, methods] of Object.entries(document.paths as Record<string, Record<string, Json>>)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = String((op.tags as string[] | undefined)?.[0] ?? "Other");
      byTag.set(tag, [...(byTag.get(tag) ?? []), operation(method, path, op)]);
    }
  }
  const sections = [...byTag].map(([tag, ops]) => `<h2>${escapeHtml(tag)}</h2>${ops.join("\n")}`).join("\n");
  const paragraphs = String(info.description)
    .split("\n\n")
    .map((p) => `<p>${escapeHtml(p)}</p>`)
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(info.title)} API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#222}
code,pre{font:13px ui-monospace,monospace}pre{background:#f6f6f6;padding:.5rem;overflow:auto}
section{border-top:1px solid #ddd;padding:.5rem 0}h3{margin:.3rem 0}
.method{display:inline-block;min-width:4.5rem;font-size:13px;color:#fff;background:#555;padding:0 .3rem;border-radius:3px}
.get{background:#2b6cb0}.post{background:#2f855a}.delete{background:#c53030}
.role{color:#666;font-size:13px;margin-left:.5rem}table{border-collapse:collapse;margin:.3rem 0}
td,th{border:1px solid #ddd;padding:.15rem .4rem;text-align:left;font-size:13px}
</style></head><body>
<h1>${escapeHtml(info.title)} <small>${escapeHtml(info.version)}</small></h1>
${paragraphs}
<p>Machine-readable: <code>GET /api/openapi.json</code> (needs a reader credential).</p>
${sections}
</body></html>`;
}
