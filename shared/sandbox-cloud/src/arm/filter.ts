// The small OData `$filter` subset that ARM list calls and the Activity Log accept:
// `field op 'value'` clauses joined by `and`. It is read left to right as a grammar, not split on the
// word "and", so a quoted value may contain " and "; anything else (`or`, functions, bare values) is
// rejected rather than half-understood.
export interface FilterClause {
  field: string;
  op: "eq" | "ge" | "le";
  value: string;
}

const clausePattern = /\s*(\w+)\s+(eq|ge|le)\s+'((?:[^']|'')*)'\s*/iy;
const andPattern = /and(?=\s)/iy;

export function parseFilter(filter: string | undefined): FilterClause[] | string {
  if (filter === undefined || filter.trim() === "") return [];
  const clauses: FilterClause[] = [];
  let position = 0;
  for (;;) {
    clausePattern.lastIndex = position;
    const match = clausePattern.exec(filter);
    if (match === null) return `Cannot parse the filter clause "${filter.slice(position).trim()}".`;
    clauses.push({
      field: (match[1] as string).toLowerCase(),
      op: (match[2] as string).toLowerCase() as FilterClause["op"],
      value: (match[3] as string).replaceAll("''", "'"),
    });
    position = clausePattern.lastIndex;
    if (position === filter.length) return clauses;
    andPattern.lastIndex = position;
    if (andPattern.exec(filter) === null) {
      return `Cannot parse the filter clause "${filter.slice(position).trim()}": clauses are joined by 'and'.`;
    }
    position = andPattern.lastIndex;
  }
}
