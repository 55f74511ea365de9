/**
 * Exact rational numbers over BigInt, for money in the budget tallies. Equal Shares divides the
 * budget by the number of voters and splits prices among supporters; with floating point, two
 * projects that tie exactly can compare either way and a voter can pay a hair more than they have,
 * and a published result must not hinge on rounding. Values are immutable and always normalised
 * (denominator positive, gcd 1), so structural equality (`toEqual`) is numeric equality.
 */

export interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

/** What the tallies accept as an amount: a BigInt, a safe integer `number`, or a rational. */
export type RationalLike = Rational | bigint | number;

export function gcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  if (b < 0n) b = -b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function toBigInt(n: bigint | number, what: string): bigint {
  if (typeof n === "bigint") return n;
  // A fractional or huge `number` has already been rounded by the time it reaches us: refuse it
  // rather than tally a value nobody entered.
  if (!Number.isSafeInteger(n)) throw new RangeError(`${what} must be a safe integer, got ${n}`);
  return BigInt(n);
}

export function rational(num: bigint | number, den: bigint | number = 1n): Rational {
  let n = toBigInt(num, "numerator");
  let d = toBigInt(den, "denominator");
  if (d === 0n) throw new RangeError("denominator is zero");
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  const g = gcd(n, d);
  return g === 1n ? { num: n, den: d } : { num: n / g, den: d / g };
}

export const ZERO: Rational = { num: 0n, den: 1n };

export function toRational(x: RationalLike): Rational {
  // Re-normalise a Rational too: one built by hand as {num, den} may not be in lowest terms.
  return typeof x === "object" ? rational(x.num, x.den) : rational(x);
}

export function add(a: Rational, b: Rational): Rational {
  return a.den === b.den
    ? rational(a.num + b.num, a.den)
    : rational(a.num * b.den + b.num * a.den, a.den * b.den);
}

export function sub(a: Rational, b: Rational): Rational {
  return a.den === b.den
    ? rational(a.num - b.num, a.den)
    : rational(a.num * b.den - b.num * a.den, a.den * b.den);
}

export function div(a: Rational, b: Rational): Rational {
  if (b.num === 0n) throw new RangeError("division by zero");
  return rational(a.num * b.den, a.den * b.num);
}

/** -1, 0 or 1, as `a` is less than, equal to or greater than `b`. */
export function cmp(a: Rational, b: Rational): -1 | 0 | 1 {
  const l = a.num * b.den;
  const r = b.num * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
}

export const le = (a: Rational, b: Rational): boolean => cmp(a, b) <= 0;

/** The greatest integer not above `a` (towards minus infinity, unlike BigInt division). */
export function floor(a: Rational): bigint {
  const q = a.num / a.den;
  return a.num < 0n && q * a.den !== a.num ? q - 1n : q;
}

const DECIMAL = /^([+-]?)(\d+)(?:[.,](\d+))?$/;

/**
 * Reads a decimal such as "120000", "102533.36" or "0,5" exactly. A comma is accepted as the
 * decimal mark because Pabulib files from some cities write costs that way (pabutools accepts it
 * too). No exponents, no thousands separators: a "1,000" budget would be read as one, so those
 * must be refused by the caller's format, not guessed at here.
 */
export function parseDecimal(text: string): Rational {
  const m = DECIMAL.exec(text.trim());
  if (!m) throw new SyntaxError(`not a decimal number: "${text}"`);
  const [, sign, whole, frac = ""] = m;
  const n = BigInt(whole! + frac) * (sign === "-" ? -1n : 1n);
  return rational(n, 10n ** BigInt(frac.length));
}

/**
 * Exact decimal text ("102533.36"), for writing files and showing amounts. Throws for a value with
 * no finite decimal expansion (such as 1/3): writing a rounded figure would silently change it.
 */
export function toDecimalString(a: Rational): string {
  let d = a.den;
  let twos = 0;
  let fives = 0;
  while (d % 2n === 0n) {
    d /= 2n;
    twos++;
  }
  while (d % 5n === 0n) {
    d /= 5n;
    fives++;
  }
  if (d !== 1n) throw new RangeError(`${a.num}/${a.den} has no finite decimal expansion`);
  const digits = Math.max(twos, fives);
  const scaled = (a.num * 10n ** BigInt(digits)) / a.den;
  const negative = scaled < 0n;
  const text = (negative ? -scaled : scaled).toString().padStart(digits + 1, "0");
  const body =
    digits === 0 ? text : `${text.slice(0, text.length - digits)}.${text.slice(-digits)}`;
  return negative ? `-${body}` : body;
}
