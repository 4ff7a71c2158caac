// ARM scopes and ids compared as parsed segments, case-insensitively: a scope covers itself and every id
// whose segments start with all of its segments, so `…/resourceGroups/rg` covers `…/rg/providers/…` but
// not `…/rg2`. Ids are built from segments that passed the naming rules (no segment holds a `/`), so
// splitting on `/` gives back exactly those segments. The empty scope (and `/`) is the tenant root and
// covers everything.
export function segmentsOf(id: string): string[] {
  return id.split("/").filter((segment) => segment !== "");
}

export function scopeCovers(scopes: string[], target: string): boolean {
  const targetSegments = segmentsOf(target).map(lower);
  return scopes.some((scope) => {
    const scopeSegments = segmentsOf(scope).map(lower);
    return (
      scopeSegments.length <= targetSegments.length &&
      scopeSegments.every((segment, i) => segment === targetSegments[i])
    );
  });
}

/** Whether two ids name the same thing. */
export function sameId(a: string, b: string): boolean {
  const left = segmentsOf(a).map(lower);
  const right = segmentsOf(b).map(lower);
  return left.length === right.length && left.every((segment, i) => segment === right[i]);
}

function lower(segment: string): string {
  return segment.toLowerCase();
}
