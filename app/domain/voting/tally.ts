/**
 * Participatory-budgeting tallies: which projects a budget round funds. One long file, because the
 * methods share their exact arithmetic and tie-breaking and are read against pabutools together.
 * Pure functions over exact rationals, shared by the results page, the `npm run tally` script and
 * the tests that replay real city elections from Pabulib. The methods follow the reference library
 * pabutools, except for one documented choice: ties go to the project submitted first (pabutools
 * defaults to comparing project names as strings, which does not reproduce Warsaw's published
 * winners).
 *
 * Tie-breaking (shown to residents on the results page):
 *   - greedy: more approvals (or points) first; equal scores go to the project submitted first,
 *     i.e. the one earlier in `projects`.
 *   - equal shares: in each round the project with the lowest price per unit of utility wins;
 *     exactly equal prices go to the project submitted first.
 */
import {
  add,
  cmp,
  gcd,
  le,
  rational,
  sub,
  toRational,
  ZERO,
  type Rational,
  type RationalLike,
} from "./rational";
import type { PbBallot } from "./pabulib";

/**
 * One voter's ballot. The site stores approval ballots as arrays of project ids; Pabulib files
 * also carry ordinal and points ballots.
 */
export type Ballot = readonly string[] | PbBallot;

export interface TallyProject {
  readonly id: string;
  /** Whole currency units as a bigint or safe integer; a Rational when a file has decimals. */
  readonly cost: RationalLike;
}

export interface TallyInput {
  /** In submission order: that order breaks ties. */
  readonly projects: readonly TallyProject[];
  readonly budget: RationalLike;
  readonly ballots: readonly Ballot[];
}

export interface ProjectOutcomeBase {
  readonly id: string;
  readonly cost: Rational;
  /** Approvals (approval and ordinal ballots: ballots that name it) or total points. */
  readonly score: number;
  /** Ballots that support it: name it, or give it more than zero points. */
  readonly supporters: number;
  readonly selected: boolean;
}

export interface GreedyProjectOutcome extends ProjectOutcomeBase {
  /** 1-based place in the greedy order (score, then submission order). */
  readonly rank: number;
  /** Why it was not funded: "tooExpensive" = not enough money left when its turn came. */
  readonly status: "selected" | "tooExpensive" | "belowThreshold";
}

export interface EqualSharesProjectOutcome extends ProjectOutcomeBase {
  /**
   * Round of the final run in which it was bought (1 = first); 0 for a supported project that
   * costs nothing, which is taken before the rounds; null when not bought.
   */
  readonly round: number | null;
  /** The most any one supporter paid for it (ρ); poorer supporters paid all they had left. */
  readonly pricePerSupporter: Rational | null;
}

export interface TallyResult<P extends ProjectOutcomeBase> {
  /** Funded project ids in the order the method bought them. */
  readonly selected: string[];
  /** Every project, in submission (input) order. */
  readonly projects: P[];
  readonly budget: Rational;
  readonly totalCost: Rational;
  readonly leftover: Rational;
}

export interface GreedyResult extends TallyResult<GreedyProjectOutcome> {
  readonly method: "greedy";
}

export interface EqualSharesResult extends TallyResult<EqualSharesProjectOutcome> {
  readonly method: "equalShares";
  readonly completion: EqualSharesCompletion;
  readonly voters: number;
  /** Each voter's starting share in the run whose outcome was kept. */
  readonly startingShare: Rational;
  /** How many one-unit raises of the starting share that run had (0 without completion). */
  readonly increments: number;
}

export type EqualSharesCompletion = "add-one" | "none";

export interface GreedyOptions {
  /**
   * Projects with a score below this are never funded (some cities require a minimum number of
   * votes). Default 0: as in pabutools, a project nobody supported is still funded if money is left
   * when its turn comes; pass 1 to prevent that.
   */
  readonly minScore?: number;
}

export interface EqualSharesOptions {
  readonly completion: EqualSharesCompletion;
}

/** Input that cannot be tallied: a programming or data error, never a voter's mistake. */
export class TallyInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TallyInputError";
  }
}

interface Prepared {
  readonly ids: string[];
  readonly costs: Rational[];
  readonly budget: Rational;
  readonly scores: number[];
  readonly supporters: number[];
  /** Per ballot, the indices of the projects it supports, ascending. */
  readonly support: number[][];
}

function prepare(input: TallyInput): Prepared {
  const index = new Map<string, number>();
  const ids: string[] = [];
  const costs: Rational[] = [];
  for (const p of input.projects) {
    if (typeof p.id !== "string" || p.id === "") throw new TallyInputError("a project has no id");
    if (index.has(p.id)) throw new TallyInputError(`project ${p.id} is listed twice`);
    const cost = toRational(p.cost);
    if (cost.num < 0n) throw new TallyInputError(`project ${p.id} has a negative cost`);
    index.set(p.id, ids.length);
    ids.push(p.id);
    costs.push(cost);
  }
  const budget = toRational(input.budget);
  if (budget.num < 0n) throw new TallyInputError("the budget is negative");

  const scores = ids.map(() => 0);
  const supporters = ids.map(() => 0);
  const support: number[][] = [];
  // seenIn[i] = 1 + the last ballot that named project i: a duplicate check without a Set per
  // ballot, which matters at a hundred thousand ballots.
  const seenIn = new Int32Array(ids.length);
  input.ballots.forEach((ballot, b) => {
    const mine: number[] = [];
    const name = (id: string, pts: number) => {
      const i = index.get(id);
      if (i === undefined) throw new TallyInputError(`ballot ${b + 1} names unknown project ${id}`);
      if (seenIn[i] === b + 1)
        throw new TallyInputError(`ballot ${b + 1} names project ${id} twice`);
      if (!Number.isSafeInteger(pts) || pts < 0)
        throw new TallyInputError(`ballot ${b + 1} gives project ${id} ${pts} points`);
      seenIn[i] = b + 1;
      scores[i]! += pts;
      if (pts > 0) {
        supporters[i]!++;
        mine.push(i);
      }
    };
    if (Array.isArray(ballot)) for (const id of ballot as readonly string[]) name(id, 1);
    else {
      const typed = ballot as PbBallot;
      if (typed.type === "approval") for (const id of typed.approved) name(id, 1);
      else if (typed.type === "ordinal") for (const id of typed.ranking) name(id, 1);
      else for (const [id, pts] of typed.points) name(id, pts);
    }
    support.push(mine.length > 1 ? mine.sort((x, y) => x - y) : mine);
  });
  for (const s of scores)
    if (!Number.isSafeInteger(s)) throw new TallyInputError("a score is too large to count");
  return { ids, costs, budget, scores, supporters, support };
}

function totalCostOf(prep: Prepared, order: readonly number[]): Rational {
  let total = ZERO;
  for (const i of order) total = add(total, prep.costs[i]!);
  return total;
}

/** The result of buying `order`; `extra` adds the method's own fields to each project. */
function finish<X>(
  prep: Prepared,
  order: number[],
  extra: (i: number) => X,
): TallyResult<ProjectOutcomeBase & X> {
  const bought = new Set(order);
  const total = totalCostOf(prep, order);
  return {
    selected: order.map((i) => prep.ids[i]!),
    projects: prep.ids.map((id, i) => ({
      id,
      cost: prep.costs[i]!,
      score: prep.scores[i]!,
      supporters: prep.supporters[i]!,
      selected: bought.has(i),
      ...extra(i),
    })),
    budget: prep.budget,
    totalCost: total,
    leftover: sub(prep.budget, total),
  };
}

/**
 * Greedy by approvals (for points ballots, by total points): walk the projects from the highest
 * score down and fund each one that still fits in the money left; one that does not fit is skipped
 * and the walk goes on. This is pabutools' greedy utilitarian rule with cost satisfaction.
 */
export function greedy(input: TallyInput, options: GreedyOptions = {}): GreedyResult {
  const prep = prepare(input);
  const minScore = options.minScore ?? 0;
  // Array.prototype.sort is stable, so equal scores keep submission order.
  const ranked = prep.ids.map((_, i) => i).sort((a, b) => prep.scores[b]! - prep.scores[a]!);
  let left = prep.budget;
  const order: number[] = [];
  const status: GreedyProjectOutcome["status"][] = [];
  const rank: number[] = [];
  ranked.forEach((i, place) => {
    rank[i] = place + 1;
    if (prep.scores[i]! < minScore) status[i] = "belowThreshold";
    else if (le(prep.costs[i]!, left)) {
      left = sub(left, prep.costs[i]!);
      order.push(i);
      status[i] = "selected";
    } else status[i] = "tooExpensive";
  });
  return {
    method: "greedy",
    ...finish(prep, order, (i) => ({ rank: rank[i]!, status: status[i]! })),
  };
}

// ---------------------------------------------------------------------------------------------
// Method of Equal Shares

/**
 * What stays the same across the runs of the add-one completion: voters with identical support
 * sets are merged into weighted groups (they always hold the same money, so they can be treated
 * as one), and each project knows its supporting groups. Both lists are flat typed arrays with
 * offsets: moving a group's counts between classes is the innermost loop of Equal Shares, and
 * tens of thousands of small arrays scattered over the heap made it miss the cache.
 */
interface MesSetup {
  readonly prep: Prepared;
  readonly voters: number;
  /** Projects that can ever be bought by the rounds: supported and costing more than nothing. */
  readonly candidates: number[];
  /** Supported projects that cost nothing: pabutools takes them before the first round. */
  readonly free: number[];
  readonly groups: number;
  /** Group g supports groupProject[groupStart[g] .. groupStart[g + 1]). */
  readonly groupStart: Int32Array;
  readonly groupProject: Int32Array;
  readonly groupWeight: Float64Array;
  /** Project p is supported by projectGroup[projectStart[p] .. projectStart[p + 1]). */
  readonly projectStart: Int32Array;
  readonly projectGroup: Int32Array;
  /** Least common denominator of the costs, so money can be held as integers. */
  readonly costDen: bigint;
}

const lcm = (a: bigint, b: bigint): bigint => (a / gcd(a, b)) * b;

function setupMes(prep: Prepared): MesSetup {
  const P = prep.ids.length;
  const key = new Map<string, number>();
  const sets: number[][] = [];
  const weights: number[] = [];
  for (const s of prep.support) {
    if (s.length === 0) continue;
    const k = s.join(",");
    const g = key.get(k);
    if (g === undefined) {
      key.set(k, sets.length);
      sets.push(s);
      weights.push(1);
    } else weights[g]!++;
  }
  const G = sets.length;
  const groupStart = new Int32Array(G + 1);
  sets.forEach((s, g) => (groupStart[g + 1] = groupStart[g]! + s.length));
  const groupProject = new Int32Array(groupStart[G]!);
  const projectStart = new Int32Array(P + 1);
  sets.forEach((s, g) => {
    groupProject.set(s, groupStart[g]!);
    for (const p of s) projectStart[p + 1]!++;
  });
  for (let p = 0; p < P; p++) projectStart[p + 1]! += projectStart[p]!;
  const projectGroup = new Int32Array(projectStart[P]!);
  const fill = projectStart.slice(0, P);
  sets.forEach((s, g) => {
    for (const p of s) projectGroup[fill[p]!++] = g;
  });
  const candidates: number[] = [];
  const free: number[] = [];
  prep.ids.forEach((_, p) => {
    if (prep.supporters[p] === 0) return;
    if (prep.costs[p]!.num === 0n) free.push(p);
    else candidates.push(p);
  });
  let costDen = 1n;
  for (const c of prep.costs) costDen = lcm(costDen, c.den);
  return {
    prep,
    voters: prep.support.length,
    candidates,
    free,
    groups: G,
    groupStart,
    groupProject,
    groupWeight: Float64Array.from(weights),
    projectStart,
    projectGroup,
    costDen,
  };
}

interface MesRun {
  /** Project indices in the order bought, free ones first. */
  readonly order: number[];
  readonly round: Map<number, number>;
  readonly price: Map<number, Rational>;
  /**
   * Only when tracked: how many currency units every starting share can be raised by (any raise
   * strictly below this) with the run making exactly the same choices; null when no raise changes
   * them.
   */
  readonly horizon: Rational | null;
}

/** How far t may go before some u + v·t (each >= 0 at t = 0) turns negative; null: never. */
class Horizon {
  num = -1n; // -1: unbounded
  den = 1n;
  limit(u: bigint, v: bigint): void {
    if (v >= 0n) return;
    if (this.num < 0n || u * this.den < this.num * -v) {
      this.num = u;
      this.den = -v;
    }
  }
  get value(): Rational | null {
    return this.num < 0n ? null : rational(this.num, this.den);
  }
}

/**
 * Voters of one run bucketed by the money they hold: class c holds (A[c] + B[c]·t) / den each,
 * where t is a raise of every starting share (B is only followed when tracking; untracked it
 * stays 0 and classes are told apart by A alone). cnt[p][c] counts the supporters of project p in
 * class c: one array per project, so that pricing a project reads one compact array. `sorted`
 * lists the classes that have voters, poorest first (then by B).
 */
interface Classes {
  readonly A: bigint[];
  readonly B: bigint[];
  readonly weight: number[];
  readonly cnt: Float64Array[];
  /** Classes the count arrays have room for. */
  capacity: number;
  readonly spare: number[];
  sorted: number[];
}

interface Priced {
  readonly p: number;
  /** The price is RA / K (tracked: (RA + RB·t) / K) once the poorer supporters paid all. */
  readonly RA: bigint;
  readonly RB: bigint;
  readonly K: bigint;
  /** Position in `sorted` of the poorest class that pays the full price; -1: unaffordable. */
  readonly stop: number;
}

/**
 * A project's price: walk its supporters from the poorest class up; a class that cannot pay an
 * equal split of what is still missing pays all it has and drops out of the split.
 */
function priceOf(
  cls: Classes,
  p: number,
  supporters: number,
  cost: bigint,
  track: boolean,
): Priced {
  const { A, B, sorted } = cls;
  const row = cls.cnt[p]!;
  let K = supporters;
  let RA = cost;
  let RB = 0n;
  for (let j = 0; j < sorted.length; j++) {
    const c = sorted[j]!;
    const k = row[c]!;
    if (k === 0) continue;
    const a = A[c]!;
    if (a * BigInt(K) >= RA) return { p, RA, RB, K: BigInt(K), stop: j };
    RA -= a * BigInt(k);
    if (track) RB -= B[c]! * BigInt(k);
    K -= k;
  }
  return { p, RA, RB, K: 0n, stop: -1 };
}

/**
 * Limits the horizon so that, for project e.p, who pays all they have and who pays the price do
 * not swap. Among payers with the same B, the poorest is the first to fall below the price.
 */
function limitPayers(cls: Classes, e: Priced, distinctB: number, h: Horizon): void {
  const { A, B, sorted } = cls;
  const row = cls.cnt[e.p]!;
  for (let j = 0; j < e.stop; j++) {
    const c = sorted[j]!;
    if (row[c] !== 0) h.limit(e.RA - e.K * A[c]!, e.RB - e.K * B[c]!);
  }
  const seenB = new Set<bigint>();
  for (let j = e.stop; j < sorted.length && seenB.size < distinctB; j++) {
    const c = sorted[j]!;
    if (row[c] === 0 || seenB.has(B[c]!)) continue;
    seenB.add(B[c]!);
    h.limit(e.K * A[c]! - e.RA, e.K * B[c]! - e.RB);
  }
}

/**
 * The supporters of the bought project pay min(money, price ρ = rhoA (+ rhoB·t)): the poor are
 * left with nothing. Every class loses the same ρ, so the classes that move keep their order among
 * themselves and the new order is a merge. A class that moves lands on an existing class with the
 * same money if there is one (found by bisection in `sorted`), else on a new one.
 */
function pay(
  cls: Classes,
  setup: MesSetup,
  groupClass: Int32Array,
  bought: number,
  rhoA: bigint,
  rhoB: bigint,
): void {
  const { A, B, weight, cnt, spare, sorted } = cls;
  const P = setup.prep.ids.length;
  const below = (x: number, y: number) => A[x]! < A[y]! || (A[x] === A[y] && B[x]! < B[y]!);
  const find = (a: bigint, b: bigint): number | undefined => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const c = sorted[mid]!;
      if (A[c]! < a || (A[c] === a && B[c]! < b)) lo = mid + 1;
      else hi = mid;
    }
    const c = sorted[lo];
    return c !== undefined && A[c] === a && B[c] === b ? c : undefined;
  };
  const created = new Map<bigint, Map<bigint, number>>();
  // moveTo[c]: where the paying voters of class c go; -1 while not known this round.
  const moveTo = new Int32Array(cls.capacity).fill(-1);
  const moved: number[] = [];
  const { groupStart, groupProject, groupWeight, projectGroup } = setup;
  for (let i = setup.projectStart[bought]!; i < setup.projectStart[bought + 1]!; i++) {
    const grp = projectGroup[i]!;
    const from = groupClass[grp]!;
    let to: number | undefined = moveTo[from]!;
    if (to < 0) {
      const a = A[from]!;
      const na = a > rhoA ? a - rhoA : 0n;
      const nb = a < rhoA ? 0n : B[from]! - rhoB;
      to = find(na, nb);
      if (to === undefined) {
        let byB = created.get(na);
        if (byB === undefined) created.set(na, (byB = new Map()));
        to = byB.get(nb);
        if (to === undefined) {
          to = spare.pop() ?? A.length;
          if (to === weight.length) {
            weight.push(0);
            if (to === cls.capacity) {
              cls.capacity *= 2;
              for (let q = 0; q < P; q++) {
                const grown = new Float64Array(cls.capacity);
                grown.set(cnt[q]!);
                cnt[q] = grown;
              }
            }
          }
          A[to] = na;
          B[to] = nb;
          byB.set(nb, to);
        }
      }
      moveTo[from] = to;
      moved.push(from);
    }
    const w = groupWeight[grp]!;
    for (let q = groupStart[grp]!; q < groupStart[grp + 1]!; q++) {
      const row = cnt[groupProject[q]!]!;
      row[from]! -= w;
      row[to]! += w;
    }
    weight[from]! -= w;
    weight[to]! += w;
    groupClass[grp] = to;
  }
  for (const c of moved) if (weight[c] === 0) spare.push(c);
  const kept = sorted.filter((c) => weight[c]! > 0);
  const fresh = [...created.values()]
    .flatMap((byB) => [...byB.values()])
    .sort((x, y) => (below(x, y) ? -1 : below(y, x) ? 1 : 0));
  const merged: number[] = [];
  let i = 0;
  let j = 0;
  while (i < kept.length || j < fresh.length)
    merged.push(
      j >= fresh.length || (i < kept.length && below(kept[i]!, fresh[j]!))
        ? kept[i++]!
        : fresh[j++]!,
    );
  cls.sorted = merged;
}

/**
 * One run of Equal Shares with cost utilities, every voter starting with `share`.
 *
 * Money is held as integers over a common denominator `den` that grows when a price does not
 * divide evenly, so the inner loops compare and subtract BigInts without normalising fractions.
 * Voters with equal money form one class (see `Classes`), so a project's price is one pass over
 * the classes rather than a sort of its supporters.
 *
 * With `track`, every amount is also followed as a linear function of a raise t of the starting
 * share. Within one run every choice compares such functions, so the run can tell how far t may
 * go before any comparison flips (`horizon`). The add-one completion uses that to skip raises
 * that cannot change the outcome: with costs in forints and a few hundred voters, stepping one
 * unit at a time would mean a hundred thousand runs.
 */
function runMes(setup: MesSetup, share: Rational, track: boolean): MesRun {
  const { prep } = setup;
  let den = lcm(setup.costDen, share.den);
  const costNum = prep.costs.map((c) => (c.num * den) / c.den);
  const cls: Classes = {
    A: [(share.num * den) / share.den],
    B: [track ? den : 0n],
    weight: [setup.voters],
    cnt: prep.supporters.map((n) => Float64Array.of(n, 0, 0, 0, 0, 0, 0, 0)),
    capacity: 8,
    spare: [],
    sorted: [0],
  };
  const { A, B } = cls;
  const groupClass = new Int32Array(setup.groups);
  const horizon = new Horizon();
  const remaining = new Set(setup.candidates);
  // Rescales every amount still in play (costs of projects out of play are not read again).
  const rescale = (by: (x: bigint) => bigint) => {
    den = by(den);
    for (const c of cls.sorted) {
      A[c] = by(A[c]!);
      B[c] = by(B[c]!);
    }
    for (const p of remaining) costNum[p] = by(costNum[p]!);
  };

  // Lower bounds on each project's price per unit of utility, as num/den pairs. Money only ever
  // decreases, so a price can only go up: a project whose last price already exceeds this round's
  // best cannot win, and the scan stops there (the same pruning pabutools does). Tracking needs
  // every project's price in every round, so it does not prune.
  const lowNum = new Map<number, bigint>(setup.candidates.map((p) => [p, 1n]));
  const lowDen = new Map<number, bigint>(
    setup.candidates.map((p) => [p, BigInt(prep.supporters[p]!)]),
  );
  const order = [...setup.free];
  const round = new Map<number, number>(setup.free.map((p) => [p, 0]));
  const price = new Map<number, Rational>(setup.free.map((p) => [p, ZERO]));

  for (let r = 1; remaining.size > 0; r++) {
    const scan = [...remaining];
    if (!track)
      scan.sort((a, b) => {
        const l = lowNum.get(a)! * lowDen.get(b)!;
        const rr = lowNum.get(b)! * lowDen.get(a)!;
        return l < rr ? -1 : l > rr ? 1 : a - b;
      });
    const distinctB = track ? new Set(cls.sorted.map((c) => B[c]!)).size : 1;
    const evaluated: Priced[] = [];
    let best: Priced | null = null;
    for (const p of scan) {
      if (
        !track &&
        best &&
        lowNum.get(p)! * lowDen.get(best.p)! > lowNum.get(best.p)! * lowDen.get(p)!
      )
        break;
      const e = priceOf(cls, p, prep.supporters[p]!, costNum[p]!, track);
      if (e.stop < 0) {
        // Its supporters together can no longer pay for it, and their money only shrinks.
        remaining.delete(p);
        if (track) horizon.limit(e.RA, e.RB); // until a raise gives them enough
        continue;
      }
      if (track) limitPayers(cls, e, distinctB, horizon);
      evaluated.push(e);
      // Price per unit of utility: rho / cost = RA / (K * cost). Strictly lower wins; on an exact
      // tie the earlier-submitted project (lower index) wins.
      const aDen = e.K * costNum[p]!;
      lowNum.set(p, e.RA);
      lowDen.set(p, aDen);
      if (best === null) best = e;
      else {
        const l = e.RA * best.K * costNum[best.p]!;
        const rr = best.RA * aDen;
        if (l < rr || (l === rr && p < best.p)) best = e;
      }
    }
    if (best === null) break;
    if (track) {
      // The winner must stay the winner.
      const cb = best.K * costNum[best.p]!;
      for (const e of evaluated) {
        if (e === best) continue;
        const ce = e.K * costNum[e.p]!;
        horizon.limit(e.RA * cb - best.RA * ce, e.RB * cb - best.RB * ce);
      }
    }

    // Scale so that the price is a whole number of units of 1/den.
    const g = gcd(gcd(best.RA, best.RB), best.K);
    const f = best.K / g;
    if (f !== 1n) rescale((x) => x * f);
    const rhoA = best.RA / g;
    pay(cls, setup, groupClass, best.p, rhoA, best.RB / g);
    remaining.delete(best.p);
    order.push(best.p);
    round.set(best.p, r);
    price.set(best.p, rational(rhoA, den));

    // Keep the denominator from growing needlessly: divide out a factor common to all amounts
    // still in play.
    let common = den;
    for (let k = 0; k < cls.sorted.length && common !== 1n; k++) {
      const c = cls.sorted[k]!;
      common = gcd(gcd(common, A[c]!), B[c]!);
    }
    for (const p of remaining) if (common !== 1n) common = gcd(common, costNum[p]!);
    if (common > 1n) rescale((x) => x / common);
  }
  return { order, round, price, horizon: track ? horizon.value : null };
}

/** No supported project left out would still fit in the money left. */
function isExhaustive(setup: MesSetup, order: readonly number[]): boolean {
  const left = sub(setup.prep.budget, totalCostOf(setup.prep, order));
  const bought = new Set(order);
  return setup.candidates.every((p) => bought.has(p) || cmp(setup.prep.costs[p]!, left) > 0);
}

interface Kept {
  readonly run: MesRun;
  readonly share: Rational;
  readonly increments: number;
}

/**
 * The add-one completion: run with `start`, start + 1, start + 2, … and keep the last outcome that
 * stays within the budget, or (with `stopWhenExhaustive`) the first that is exhaustive. Raises
 * that cannot change the outcome are skipped (see `runMes`), which gives the same answer as taking
 * every step; the kept run is then redone at the exact share the step-by-step loop would have
 * kept, so its prices are that run's too.
 */
function addOne(setup: MesSetup, start: Rational, stopWhenExhaustive: boolean): Kept {
  const { prep } = setup;
  const at = (k: bigint) => add(start, rational(k));
  const keep = (run: MesRun, k: bigint): Kept => ({ run, share: at(k), increments: Number(k) });
  // Tracking costs about twice a plain run and pays only when it lets us skip; with thousands of
  // voters some comparison flips at almost every unit, so after a tracked run that could not skip,
  // the next 1, 2, 4, … (at most 64) runs are plain before tracking is tried again.
  let plainLeft = 0;
  let backoff = 1;
  let k = 0n;
  let tracked = true;
  let run = runMes(setup, start, tracked);
  let kept: { run: MesRun; k: bigint; last: bigint } | null = null;
  for (;;) {
    if (cmp(totalCostOf(prep, run.order), prep.budget) > 0) break;
    if (stopWhenExhaustive && isExhaustive(setup, run.order)) return keep(run, k);
    let jump = 1n;
    if (tracked) {
      const h = run.horizon;
      // No raise would change anything: further steps would repeat this outcome for ever.
      if (h === null) return keep(run, k);
      if (h.num > h.den) jump = (h.num + h.den - 1n) / h.den;
      if (jump > 1n) backoff = 1;
      else {
        plainLeft = backoff;
        backoff = Math.min(backoff * 2, 64);
      }
    } else plainLeft--;
    kept = { run, k, last: k + jump - 1n };
    k += jump;
    tracked = plainLeft === 0;
    run = runMes(setup, at(k), tracked);
  }
  // Starting at or below budget ÷ voters, no voter can spend more than their share, so the very
  // first run always fits.
  if (kept === null) throw new Error("equal shares overspent on its first run");
  const final = kept.last === kept.k ? kept.run : runMes(setup, at(kept.last), false);
  return keep(final, kept.last);
}

/** Equal Shares from the starting share `start`: one run, or the add-one completion from it. */
function equalSharesFrom(
  setup: MesSetup,
  start: Rational,
  completion: EqualSharesCompletion,
  stopWhenExhaustive: boolean,
): EqualSharesResult {
  const kept: Kept =
    completion === "add-one" && setup.voters > 0
      ? addOne(setup, start, stopWhenExhaustive)
      : { run: runMes(setup, start, false), share: start, increments: 0 };
  const { run } = kept;
  return {
    method: "equalShares",
    completion,
    voters: setup.voters,
    startingShare: kept.share,
    increments: kept.increments,
    ...finish(setup.prep, run.order, (i) => ({
      round: run.round.get(i) ?? null,
      pricePerSupporter: run.price.get(i) ?? null,
    })),
  };
}

/**
 * Method of Equal Shares with cost utilities (a voter's utility is the money spent on projects
 * they support), as pabutools' `method_of_equal_shares` with `Cost_Sat`:
 * every voter starts with budget ÷ voters; in each round, each remaining project's price ρ is the
 * least amount such that its supporters paying min(their money, ρ) cover its cost; the project with
 * the lowest ρ ÷ cost is bought and its supporters pay; rounds stop when no project is affordable.
 * Ballots that are not approval ballots count as approving the projects they name (points > 0).
 * A project nobody supports is never funded; a supported project that costs nothing always is.
 *
 * Completion "add-one" (pabutools' `voter_budget_increment=1`, equalshares.net's "add1"): while the
 * outcome leaves money that could still buy a supported project, rerun with every starting share
 * one currency unit higher; keep the last outcome that stays within the budget, or the first one
 * that is exhaustive.
 */
export function equalShares(input: TallyInput, options: EqualSharesOptions): EqualSharesResult {
  const prep = prepare(input);
  const N = prep.support.length;
  const share = N === 0 ? ZERO : rational(prep.budget.num, prep.budget.den * BigInt(N));
  return equalSharesFrom(setupMes(prep), share, options.completion, true);
}

export interface ComparisonResult {
  /** The outcome kept: equal shares unless more voters prefer the greedy outcome. */
  readonly chosen: "equalShares" | "greedy";
  readonly selected: string[];
  readonly equalShares: EqualSharesResult;
  readonly greedy: GreedyResult;
  /** Voters who get strictly more money spent on projects they support under each outcome. */
  readonly preferEqualShares: number;
  readonly preferGreedy: number;
}

/**
 * Wieliczka's rule (Pabulib `equalshares/add1-comparison`, Zielony Milion 2023): Equal Shares
 * starting from a whole-unit share, floor(budget ÷ voters), raised one unit at a time with no stop
 * at an exhaustive outcome, keeping the last outcome within the budget; then compared with the
 * greedy outcome, and greedy is kept only if more voters prefer it. A voter prefers the outcome
 * that spends more on projects they support (cost utility, as Equal Shares itself measures);
 * counting funded projects instead gives the same decision on Wieliczka's data.
 */
export function equalSharesWithComparison(input: TallyInput): ComparisonResult {
  const prep = prepare(input);
  const g = greedy(input);
  const N = prep.support.length;
  // The budget is not negative, so truncating division is the floor.
  const start = N === 0 ? ZERO : rational(prep.budget.num / (prep.budget.den * BigInt(N)));
  const mes = equalSharesFrom(setupMes(prep), start, "add-one", false);
  const inMes = mes.projects.map((p) => p.selected);
  const inGreedy = g.projects.map((p) => p.selected);
  let preferEqualShares = 0;
  let preferGreedy = 0;
  for (const s of prep.support) {
    let m = ZERO;
    let gr = ZERO;
    for (const p of s) {
      if (inMes[p]) m = add(m, prep.costs[p]!);
      if (inGreedy[p]) gr = add(gr, prep.costs[p]!);
    }
    const c = cmp(m, gr);
    if (c > 0) preferEqualShares++;
    else if (c < 0) preferGreedy++;
  }
  const chosen = preferGreedy > preferEqualShares ? "greedy" : "equalShares";
  return {
    chosen,
    selected: chosen === "greedy" ? g.selected : mes.selected,
    equalShares: mes,
    greedy: g,
    preferEqualShares,
    preferGreedy,
  };
}
