// The OData `$filter` subset Graph's directory endpoints accept here: `path op value` clauses and
// `startswith(path,'value')`, joined by `and`. Values are quoted strings or bare literals (Graph writes
// DateTimeOffsets unquoted). Anything else is refused rather than half-understood.
export interface GraphClause {
  /** Lower-cased property path, e.g. `displayname`, `initiatedby/app/appid`. */
  path: string;
  op: "eq" | "ne" | "ge" | "gt" | "le" | "lt" | "startswith";
  value: string;
}

const comparison = /^\s*([A-Za-z][\w/]*)\s+(eq|ne|ge|gt|le|lt)\s+(?:'((?:[^']|'')*)'|([^\s'()]+))\s*$/i;
const startsWith = /^\s*startswith\(\s*([A-Za-z][\w/]*)\s*,\s*'((?:[^']|'')*)'\s*\)\s*$/i;

export function parseGraphFilter(filter: string | null): GraphClause[] | string {
  if (filter === null || filter.trim() === "") return [];
  const clauses: GraphClause[] = [];
  for (const part of filter.split(/\s+and\s+/i)) {
    const prefix = startsWith.exec(part);
    if (prefix !== null) {
      clauses.push({
        path: (prefix[1] as string).toLowerCase(),
        op: "startswith",
        value: (prefix[2] as string).replaceAll("''", "'"),
      });
      continue;
    }
    const match = comparison.exec(part);
    if (match === null) return `Invalid filter clause: '${part.trim()}'.`;
    clauses.push({
      path: (match[1] as string).toLowerCase(),
      op: (match[2] as string).toLowerCase() as GraphClause["op"],
      value: match[3] !== undefined ? match[3].replaceAll("''", "'") : (match[4] as string),
    });
  }
  return clauses;
}

/** Directory string comparisons are case-insensitive. */
export function stringMatches(clause: GraphClause, actual: string | null | undefined): boolean {
  const a = (actual ?? "").toLowerCase();
  const v = clause.value.toLowerCase();
  if (clause.op === "eq") return a === v;
  if (clause.op === "ne") return a !== v;
  if (clause.op === "startswith") return a.startsWith(v);
  return false;
}
