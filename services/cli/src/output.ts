// How answers are printed: a table for people, JSON or YAML of the gateway's answer for scripts.
import { stringify } from "yaml";
import { usageError } from "./cli-error.ts";
import { type Column, renderTable } from "./table.ts";

export const OUTPUT_FORMATS = ["table", "json", "yaml"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function outputFormatOf(text: string | undefined): OutputFormat {
  const format = text ?? "table";
  if (!(OUTPUT_FORMATS as readonly string[]).includes(format)) {
    throw usageError(`--output must be one of ${OUTPUT_FORMATS.join(", ")}, not '${format}'`);
  }
  return format as OutputFormat;
}

export interface Terminal {
  write(text: string): void;
  /** Progress and notes: stderr, so stdout stays parseable. */
  note(text: string): void;
  width: number;
  colour: boolean;
}

export function processTerminal(): Terminal {
  // Colour only for a person at a terminal, and never when NO_COLOR asks for none (no-color.org).
  const colour = process.stdout.isTTY === true && !process.env.NO_COLOR;
  return {
    write: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
    note: (text) => process.stderr.write(`${text}\n`),
    // COLUMNS lets a pipe or a test ask for a width; a terminal reports its own.
    width: process.stdout.columns || Number(process.env.COLUMNS) || 120,
    colour,
  };
}

/** Prints `data` as JSON/YAML, or as a table of `rows` when the format is table. */
export function print<Row>(
  terminal: Terminal,
  format: OutputFormat,
  data: unknown,
  table: { rows: Row[]; columns: Column<Row>[]; empty?: string },
): void {
  if (format === "json") terminal.write(JSON.stringify(data, null, 2));
  else if (format === "yaml") terminal.write(stringify(data));
  else if (table.rows.length === 0) terminal.write(table.empty ?? "(none)");
  else
    terminal.write(
      renderTable(table.rows, table.columns, {
        width: terminal.width,
        ...(terminal.colour ? { bold: (text: string) => `\u001b[1m${text}\u001b[22m` } : {}),
      }),
    );
}

/** A record as two columns, field and value: for `show` commands in table form. */
export function fieldRows(record: Record<string, unknown>): { field: string; value: unknown }[] {
  return Object.entries(record)
    .filter(([, value]) => value !== undefined)
    .map(([field, value]) => ({ field, value }));
}

export const FIELD_COLUMNS: Column<{ field: string; value: unknown }>[] = [
  { header: "FIELD", value: (r) => r.field },
  { header: "VALUE", value: (r) => r.value },
];
