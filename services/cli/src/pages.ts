// The gateway's lists come in pages ({ items, continuation }). `--all` follows the continuation tokens to
// the end; without it the first page is shown and a note on stderr says there is more.
import { CliError, EXIT, usageError } from "./cli-error.ts";
import { type OptionValues, stringOption } from "./command.ts";
import type { GatewayClient, Query } from "./gateway-client.ts";
import type { Terminal } from "./output.ts";

export interface Page<T> {
  items: T[];
  continuation?: string;
}

export const ALL_OPTION = { all: { type: "boolean" } } as const;

/** --limit, checked: a page size the gateway will take. */
export function limitOption(options: OptionValues): string | undefined {
  const limit = stringOption(options, "limit");
  if (limit !== undefined && !/^\d+$/.test(limit)) throw usageError("--limit must be a whole number");
  return limit;
}
export const ALL_HELP = "--all             read every page (else the first, and a note when there are more)";

/** The first page, or with `all` every page's items in one (whose continuation is then absent). */
export async function readPages<T>(
  client: GatewayClient,
  path: string,
  query: Query,
  all: boolean,
): Promise<Page<T>> {
  let page = (await client.get(path, query)) as Page<T>;
  if (!all) return page;
  const items = [...page.items];
  const seen = new Set<string>();
  while (page.continuation !== undefined) {
    // A token handed back twice would loop for ever; better to stop and say so.
    if (seen.has(page.continuation)) {
      throw new CliError(`the gateway returned the same continuation token twice for ${path}`, EXIT.failure);
    }
    seen.add(page.continuation);
    page = (await client.get(path, { ...query, continuation: page.continuation })) as Page<T>;
    items.push(...page.items);
  }
  return { items };
}

export function noteMorePages(terminal: Terminal, page: Page<unknown>, what: string): void {
  if (page.continuation !== undefined) {
    terminal.note(`more ${what} than shown: pass --all to read every page`);
  }
}
