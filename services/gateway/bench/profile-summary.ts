// Where the gateway's CPU time went while it was under load, from a V8 CPU profile: the functions that
// used the most time themselves, and how much time each part of a request took. Each sample belongs to
// one area, the innermost one on its stack: middleware wraps everything after it, so the outer areas only
// get what no inner area claims, and the areas and "elsewhere" add up to the whole.

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** A part of handling a request, recognised by its frames; when one frame fits several, the first wins. */
export interface Area {
  name: string;
  frame: (frame: CallFrame) => boolean;
}

export interface ProfileSummary {
  /** Sampled time the thread was busy (not idle), ms. */
  busyMs: number;
  idleMs: number;
  /** Functions by their own time, most first, as a share of busy time. */
  topSelf: { function: string; ms: number; percent: number }[];
  /** Time in each area, as a share of busy time, with the functions that used most of it. */
  areas: { area: string; ms: number; percent: number; mostly: string[] }[];
  /** Busy time in none of the areas, %. */
  elsewherePercent: number;
}

function describe(frame: CallFrame): string {
  const file = frame.url.split("/").at(-1) ?? "";
  const name = frame.functionName || "(anonymous)";
  return file === "" ? name : `${name} (${file}:${frame.lineNumber + 1})`;
}

export function summariseProfile(profile: CpuProfile, areas: readonly Area[], top = 15): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

  const self = new Map<string, number>();
  const inArea = areas.map(() => ({ us: 0, self: new Map<string, number>() }));
  let busy = 0;
  let idle = 0;
  let elsewhere = 0;
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  samples.forEach((id, index) => {
    // timeDeltas[i] is the time from sample i-1 to sample i: the time until the next sample is this one's.
    const us = Math.max(0, deltas[index + 1] ?? deltas[index] ?? 0);
    const leaf = byId.get(id);
    if (leaf === undefined) return;
    const leafName = describe(leaf.callFrame);
    if (leaf.callFrame.functionName === "(idle)") {
      idle += us;
      return;
    }
    busy += us;
    self.set(leafName, (self.get(leafName) ?? 0) + us);
    let area = -1;
    for (let at: number | undefined = id; at !== undefined && area < 0; at = parentOf.get(at)) {
      const node = byId.get(at);
      if (node !== undefined) area = areas.findIndex((candidate) => candidate.frame(node.callFrame));
    }
    if (area < 0) {
      elsewhere += us;
      return;
    }
    const bucket = inArea[area] as (typeof inArea)[number];
    bucket.us += us;
    bucket.self.set(leafName, (bucket.self.get(leafName) ?? 0) + us);
  });

  const ms = (us: number) => Number((us / 1000).toFixed(1));
  const percent = (us: number) => Number(((100 * us) / Math.max(busy, 1)).toFixed(1));
  const ranked = (times: Map<string, number>) => [...times.entries()].sort((a, b) => b[1] - a[1]);
  return {
    busyMs: ms(busy),
    idleMs: ms(idle),
    topSelf: ranked(self)
      .slice(0, top)
      .map(([name, us]) => ({ function: name, ms: ms(us), percent: percent(us) })),
    areas: areas.map((area, i) => {
      const bucket = inArea[i] as (typeof inArea)[number];
      return {
        area: area.name,
        ms: ms(bucket.us),
        percent: percent(bucket.us),
        mostly: ranked(bucket.self)
          .slice(0, 4)
          .map(([name, us]) => `${name} ${percent(us)}%`),
      };
    }),
    elsewherePercent: percent(elsewhere),
  };
}
