// ARM ids are case-insensitive; a scope covers itself and everything below it. The empty scope is the
// tenant root and covers everything.
export function scopeCovers(scopes: string[], target: string): boolean {
  const t = target.toLowerCase();
  return scopes.some((scope) => {
    const s = scope.toLowerCase().replace(/\/+$/, "");
    return t === s || t.startsWith(`${s}/`);
  });
}
