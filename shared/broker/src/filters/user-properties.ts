// Application property access. Azure's SQL filter reference says property names are case-insensitive, so a name
// that is not present exactly falls back to a case-insensitive search. The exact spelling is tried first because
// it is the common case and costs one hash lookup; the fallback scan only runs when that misses.

type UserProperties = Record<string, unknown>;

/** The key actually present on `user` for `name`, or undefined. A key holding `undefined` counts as absent. */
export function findUserKey(user: UserProperties, name: string, lowerName: string): string | undefined {
  // Object.hasOwn keeps inherited members such as "constructor" from posing as properties.
  if (user[name] !== undefined && Object.hasOwn(user, name)) return name;
  for (const key of Object.keys(user)) {
    if (key.toLowerCase() === lowerName && user[key] !== undefined) return key;
  }
  return undefined;
}

/** The property's value, or null when it is missing (SQL's unknown). */
export function readUserProperty(user: UserProperties, name: string, lowerName: string): unknown {
  const key = findUserKey(user, name, lowerName);
  return key === undefined ? null : user[key];
}

/** Sets the property, overwriting a differently-cased existing key rather than adding a near-duplicate. */
export function writeUserProperty(
  user: UserProperties,
  name: string,
  lowerName: string,
  value: unknown,
): void {
  const key = findUserKey(user, name, lowerName) ?? name;
  // A plain assignment to "__proto__" would replace the object's prototype instead of adding a property.
  Object.defineProperty(user, key, { value, writable: true, enumerable: true, configurable: true });
}

export function removeUserProperty(user: UserProperties, name: string, lowerName: string): void {
  const key = findUserKey(user, name, lowerName);
  if (key !== undefined) delete user[key];
}
