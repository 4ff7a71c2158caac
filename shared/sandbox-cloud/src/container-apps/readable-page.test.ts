// A job's executions listed by a caller who may read only some of them: every readable one is reached
// through the pages, whatever the caller may not read sits between them.
import { describe, expect, it } from "vitest";
import { readablePage } from "./readable-page.ts";

const PAGE = 20;

/** Follows the pages as a client follows nextLink, from offset 0. */
function allPages(items: number[], readable: (item: number) => boolean): number[][] {
  const pages: number[][] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = readablePage(items, readable, offset, PAGE);
    pages.push(page.value);
    if (!page.more) return pages;
  }
}

describe("a page of what a caller may read", () => {
  // Newest first, as the list answers: 24 executions, the caller may not read the two newest.
  const executions = Array.from({ length: 24 }, (_, i) => 23 - i);
  const readable = (execution: number) => execution < 22;

  it("fills each page with readable items and keeps the list going past unreadable ones", () => {
    const pages = allPages(executions, readable);
    expect(pages.map((page) => page.length)).toEqual([20, 2]);
    expect(pages.flat()).toEqual(executions.filter(readable));
  });

  it("ends the list only after the last readable item", () => {
    expect(readablePage(executions, readable, 0, PAGE).more).toBe(true);
    expect(readablePage(executions, readable, 20, PAGE)).toEqual({ value: [1, 0], more: false });
    const exactlyOnePage = executions.slice(0, 22);
    expect(readablePage(exactlyOnePage, readable, 0, PAGE)).toEqual({
      value: exactlyOnePage.filter(readable),
      more: false,
    });
  });

  it("answers an empty last page when nothing is readable", () => {
    expect(readablePage(executions, () => false, 0, PAGE)).toEqual({ value: [], more: false });
  });

  it("pages everything when the caller may read everything", () => {
    expect(allPages(executions, () => true).map((page) => page.length)).toEqual([20, 4]);
  });
});
