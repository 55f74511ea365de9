import { describe, expect, it } from "vitest";
import {
  add,
  cmp,
  div,
  floor,
  gcd,
  parseDecimal,
  rational,
  sub,
  toDecimalString,
  toRational,
} from "./rational";

const r = rational;

describe("rational", () => {
  it("normalises sign and common factors, so equal values are structurally equal", () => {
    expect(r(6, 4)).toEqual({ num: 3n, den: 2n });
    expect(r(3, -6)).toEqual({ num: -1n, den: 2n });
    expect(r(0, 5)).toEqual({ num: 0n, den: 1n });
    expect(toRational({ num: 10n, den: 20n })).toEqual(r(1, 2));
    expect(toRational(7)).toEqual(r(7));
    expect(toRational(7n)).toEqual(r(7));
  });

  it("refuses a zero denominator and numbers that are not safe integers", () => {
    expect(() => r(1, 0)).toThrow(RangeError);
    expect(() => r(1.5)).toThrow(/safe integer/);
    expect(() => toRational(2 ** 60)).toThrow(/safe integer/);
    expect(() => div(r(1), r(0))).toThrow(RangeError);
  });

  it("does exact arithmetic where floating point would not", () => {
    // 0.1 + 0.2 is not 0.3 in binary floating point; here it is.
    expect(add(parseDecimal("0.1"), parseDecimal("0.2"))).toEqual(parseDecimal("0.3"));
    expect(sub(r(1, 3), r(1, 6))).toEqual(r(1, 6));
    expect(div(r(2, 3), r(4, 9))).toEqual(r(3, 2));
    expect(add(r(1, 4), r(3, 4))).toEqual(r(1));
    // A budget split among 2,553 voters divides back into exactly 2,553 shares.
    const share = div(r(1_070_000), r(2553));
    expect(div(r(1_070_000), share)).toEqual(r(2553));
  });

  it("compares by value", () => {
    expect(cmp(r(1, 3), r(2, 6))).toBe(0);
    expect(cmp(r(-1, 2), r(1, 3))).toBe(-1);
    expect(cmp(r(1000001, 1000000), r(1))).toBe(1);
  });

  it("floors towards minus infinity", () => {
    expect(floor(r(7, 2))).toBe(3n);
    expect(floor(r(-7, 2))).toBe(-4n);
    expect(floor(r(-6, 2))).toBe(-3n);
    expect(floor(r(1_000_000, 6586))).toBe(151n);
  });

  it("computes gcd of negatives and zero", () => {
    expect(gcd(-12n, 18n)).toBe(6n);
    expect(gcd(0n, 5n)).toBe(5n);
  });

  it("reads decimals exactly, with a point or a comma", () => {
    expect(parseDecimal("102533.36")).toEqual(r(10253336, 100));
    expect(parseDecimal(" 0,5 ")).toEqual(r(1, 2));
    expect(parseDecimal("-12")).toEqual(r(-12));
    expect(parseDecimal("007.50")).toEqual(r(15, 2));
    for (const bad of ["", "1e3", "1.2.3", "abc", "1 000", ".5", "5."])
      expect(() => parseDecimal(bad), bad).toThrow(SyntaxError);
  });

  it("writes exact decimals and refuses to round", () => {
    expect(toDecimalString(r(10253336, 100))).toBe("102533.36");
    expect(toDecimalString(r(-1, 8))).toBe("-0.125");
    expect(toDecimalString(r(120000))).toBe("120000");
    expect(toDecimalString(r(1, 20))).toBe("0.05");
    expect(() => toDecimalString(r(1, 3))).toThrow(/no finite decimal/);
    for (const text of ["0.001", "99.5", "7", "-3.25"])
      expect(toDecimalString(parseDecimal(text))).toBe(text);
  });
});
