// The small OData `$filter` subset that ARM list calls and the Activity Log accept:
// `field op 'value'` clauses joined by `and`. Anything else is rejected rather than half-understood.
export interface FilterClause {
  field: string;
  op: "eq" | "ge" | "le";
  value: string;
}

const clausePattern = /^\s*(\w+)\s+(eq|ge|le)\s+'((?:[^']|'')*)'\s*$/i;

export function parseFilter(filter: string | undefined): FilterClause[] | string {
  if (filter === undefined || filter.trim() === "") return [];
  const clauses: FilterClause[] = [];
  for (const part of filter.split(/\s+and\s+/i)) {
    const match = clausePattern.exec(part);
    if (match === null) return `Cannot parse the filter clause "${part.trim()}".`;
    clauses.push({
      field: (match[1] as string).toLowerCase(),
      op: (match[2] as string).toLowerCase() as FilterClause["op"],
      value: (match[3] as string).replaceAll("''", "'"),
    });
  }
  return clauses;
}
