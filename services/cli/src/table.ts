// Plain-text tables that fit the terminal: the widest columns give way first and cut cells end in "…".
export interface Column<Row> {
  header: string;
  value: (row: Row) => unknown;
}

const MIN_WIDTH = 3;
const GAP = "  ";

export function cellText(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return value.map(cellText).join(",");
  if (typeof value === "object") {
    return Object.entries(value)
      .map(([k, v]) => `${k}=${cellText(v)}`)
      .join(",");
  }
  return String(value).replace(/\s+/g, " ");
}

export function renderTable<Row>(
  rows: Row[],
  columns: Column<Row>[],
  options: { width: number; bold?: (text: string) => string },
): string {
  const cells = rows.map((row) => columns.map((column) => cellText(column.value(row))));
  const widths = fitWidths(
    columns.map((column, i) => Math.max(column.header.length, ...cells.map((r) => (r[i] ?? "").length))),
    options.width,
  );
  const line = (texts: string[]) =>
    texts
      .map((text, i) => cut(text, widths[i] ?? 0).padEnd(i === texts.length - 1 ? 0 : (widths[i] ?? 0)))
      .join(GAP)
      .trimEnd();
  const header = line(columns.map((c) => c.header));
  return [options.bold ? options.bold(header) : header, ...cells.map(line)].join("\n");
}

/** Shrinks the widest column one character at a time until the row fits (or every column is minimal). */
function fitWidths(natural: number[], total: number): number[] {
  const widths = [...natural];
  const used = () => widths.reduce((a, b) => a + b, 0) + GAP.length * (widths.length - 1);
  while (used() > total) {
    const widest = widths.indexOf(Math.max(...widths));
    if ((widths[widest] ?? 0) <= MIN_WIDTH) break;
    widths[widest] = (widths[widest] ?? 0) - 1;
  }
  return widths;
}

function cut(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}
