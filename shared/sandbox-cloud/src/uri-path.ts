// Splits a request path into its segments and percent-decodes each one exactly once, as ARM and Graph do.
// A decoded segment may then hold a `/` or `%` that was escaped on the wire; the naming rules refuse those,
// so an escaped separator can never act as one. Empty segments are dropped: the SDKs' by-id calls expand
// `/{+resourceId}` into a leading double slash.
export type DecodedPath = { segments: string[] } | { malformed: string };

export function decodePathSegments(pathname: string): DecodedPath {
  const segments: string[] = [];
  for (const raw of pathname.split("/")) {
    if (raw === "") continue;
    try {
      segments.push(decodeURIComponent(raw));
    } catch {
      return { malformed: raw };
    }
  }
  return { segments };
}
