import { describe, expect, it } from "vitest";
import { lockTokenFromUuid, lockTokenToUuidBytes, newLockToken } from "./lock-token.ts";

describe("lock tokens", () => {
  it("carry the GUID in .NET byte order as the delivery tag and in RFC order as a uuid", () => {
    const token = newLockToken();
    const rfc = lockTokenToUuidBytes(token.id);
    expect(token.tag).toHaveLength(16);
    expect(token.tag.subarray(0, 4)).toEqual(Buffer.from(rfc.subarray(0, 4)).reverse());
    expect(token.tag.subarray(4, 6)).toEqual(Buffer.from(rfc.subarray(4, 6)).reverse());
    expect(token.tag.subarray(6, 8)).toEqual(Buffer.from(rfc.subarray(6, 8)).reverse());
    expect(token.tag.subarray(8)).toEqual(rfc.subarray(8));
    expect(lockTokenFromUuid(rfc)).toBe(token.id);
    expect(lockTokenFromUuid(token.id.toUpperCase())).toBe(token.id);
    expect(lockTokenFromUuid("not-a-uuid")).toBeUndefined();
    expect(newLockToken().id).not.toBe(token.id);
  });
});
