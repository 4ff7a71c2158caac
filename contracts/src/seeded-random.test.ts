import { describe, expect, it } from "vitest";
import { seededRandom, shuffledWith } from "./seeded-random.ts";

describe("seeded random numbers", () => {
  it("repeats the same sequence for the same seed and another for another seed", () => {
    const draw = (seed: number) => Array.from({ length: 5 }, seededRandom(seed));
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    for (const value of draw(7)) expect(value >= 0 && value < 1).toBe(true);
  });

  it("shuffles a copy, keeping every item once, the same way for the same seed", () => {
    const items = Array.from({ length: 20 }, (_, i) => i);
    const once = shuffledWith(items, seededRandom(1));
    expect(once).toEqual(shuffledWith(items, seededRandom(1)));
    expect(once).not.toEqual(items);
    expect([...once].sort((a, b) => a - b)).toEqual(items);
    expect(items[0]).toBe(0);
  });
});
