/**
 * Reads shared by the requests that need them no older than an instant (services/shown.server.ts,
 * `freshReads`): a poll's ballot count after a burst of votes. Each request gets a read begun at or
 * after the instant it names; a burst shares one; reads of a key begin at most once per spacing;
 * a failed read is not kept; PAGE_CACHE_MS=0 reads every time. Then the answer to a vote, with the
 * counts shared: it always counts that vote, never more than there are, and does not wait for a
 * count begun after it.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { keepShownReads } from "./support/shown";
import { action as pollAction } from "~/routes/polls.$id._index";
import { emitEvent } from "~/services/events.server";
import { freshReads, tick } from "~/services/shown.server";
import { ballotCount, ballotsKeptHere, pollPage } from "~/services/voting/queries.server";
import { ANONYMOUS } from "~/domain/permissions/policy";
import { getDb } from "../db/client.server";
import {
  cookieFor,
  makeCommunity,
  makeMembership,
  makeOpenPoll,
  makeUser,
} from "./support/factories";
import { ballotRequest, body, run } from "./support/remix";

keepShownReads();
afterEach(() => {
  vi.useRealTimers();
});

let made = 0;

/** A read that counts its calls and answers which call it was. */
function counted() {
  let calls = 0;
  const load = vi.fn(async (key: string) => `${key}#${++calls}`);
  return { load, read: freshReads(`counted-${++made}`, load, 250, () => null) };
}

describe("freshReads", () => {
  it("shares a read with every request that it is fresh enough for", async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const { load, read } = counted();
    expect(await read("a", Date.now())).toBe("a#1");
    // Asked again for no later than that read began: the same answer, no second read.
    expect(await read("a", Date.now() - 5_000)).toBe("a#1");
    expect(await read("a", Date.now())).toBe("a#1");
    // Another key is another read.
    expect(await read("b", Date.now())).toBe("b#2");
    expect(load).toHaveBeenCalledTimes(2);
  });

  it("begins a newer read at most once per spacing, and a burst waits for that one", async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const { load, read } = counted();
    expect(await read("a", Date.now())).toBe("a#1");
    vi.advanceTimersByTime(100);
    // Three writes after the first read: all need a newer one, which begins 250 ms after the first.
    const answers = [read("a", Date.now()), read("a", Date.now())];
    vi.advanceTimersByTime(50);
    answers.push(read("a", Date.now()));
    expect(load).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(99);
    expect(load).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(await Promise.all(answers)).toEqual(["a#2", "a#2", "a#2"]);
    expect(load).toHaveBeenCalledTimes(2);
    // Long after: a new read begins at once.
    vi.advanceTimersByTime(1_000);
    expect(await read("a", Date.now())).toBe("a#3");
  });

  it("forgets the last read when an event says the figure changed otherwise", async () => {
    let calls = 0;
    const read = freshReads(
      "dropped",
      async (key: string) => `${key}#${++calls}`,
      250,
      (e) => (e.type === "index.changed" ? "a" : null),
    );
    const since = Date.now();
    expect(await read("a", since)).toBe("a#1");
    expect(await read("a", since)).toBe("a#1");
    emitEvent({ type: "index.changed" });
    // Asked for no newer a read than before, it reads again all the same.
    expect(await read("a", since)).toBe("a#2");
  });

  it("keeps no failed read", async () => {
    let fail = true;
    const read = freshReads(
      "failing",
      async () => {
        if (fail) throw new Error("database away");
        return "ok";
      },
      0,
      () => null,
    );
    const since = Date.now();
    await expect(read("a", since)).rejects.toThrow("database away");
    fail = false;
    expect(await read("a", since)).toBe("ok");
  });

  it("says at once what the last read that came back found, and when it began", async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const { read } = counted();
    expect(read.settled("a", 0)).toBeUndefined();
    const first = read("a", Date.now());
    // Begun, not back: nothing settled yet.
    expect(read.settled("a", 0)).toBeUndefined();
    const beforeBack = tick();
    await first;
    const one = read.settled("a", 0);
    expect(one).toMatchObject({ value: "a#1", startedAt: 1_000_000 });
    // Came back after what was done before it came back, before what is done after.
    expect(one!.cameBack).toBeGreaterThan(beforeBack);
    expect(tick()).toBeGreaterThan(one!.cameBack);
    // Only if it began at or after the instant asked for.
    expect(read.settled("a", 1_000_001)).toBeUndefined();
    vi.advanceTimersByTime(300);
    const second = read("a", Date.now());
    // The newer read is under way: the last that came back is still the first.
    expect(read.settled("a", 0)?.value).toBe("a#1");
    await second;
    expect(read.settled("a", 0)).toMatchObject({ value: "a#2", startedAt: 1_000_300 });
    expect(read.settled("b", 0)).toBeUndefined();
  });

  it("settles nothing begun before the key was dropped", async () => {
    let release: (v: string) => void = () => undefined;
    let calls = 0;
    const read = freshReads(
      "settled-dropped",
      (key: string) =>
        ++calls === 1 ? Promise.resolve(`${key}#1`) : new Promise<string>((r) => (release = r)),
      0,
      (e) => (e.type === "index.changed" ? "a" : null),
    );
    await read("a", Date.now());
    expect(read.settled("a", 0)?.value).toBe("a#1");
    const slow = read("a", Date.now() + 1);
    emitEvent({ type: "index.changed" });
    // Dropped: what was read before says nothing now, nor does the read begun before the drop.
    expect(read.settled("a", 0)).toBeUndefined();
    release("a#2");
    await slow;
    expect(read.settled("a", 0)).toBeUndefined();
  });

  it("reads every time with PAGE_CACHE_MS=0", async () => {
    process.env.PAGE_CACHE_MS = "0";
    try {
      const { load, read } = counted();
      await read("a", 0);
      await read("a", 0);
      expect(load).toHaveBeenCalledTimes(2);
      expect(read.settled("a", 0)).toBeUndefined();
    } finally {
      process.env.PAGE_CACHE_MS = "600000";
    }
  });
});

/** An open poll, `n` verified residents' session cookies, and a ballot's answer for a cookie. */
async function openPollWithVoters(name: string, n: number) {
  const here = await makeCommunity(name);
  const { id, option } = await makeOpenPoll(here);
  const cookies: string[] = [];
  for (let i = 0; i < n; i++) {
    const user = await makeUser();
    await makeMembership(user, here, "verified");
    cookies.push(await cookieFor(user));
  }
  const vote = (cookie: string) =>
    run(pollAction, ballotRequest(id, option, cookie), { id: String(id) }).then((res) =>
      body<{ ballots: number }>(res),
    );
  return { here, id, option, cookies, vote };
}

describe("the answer to a vote, with the counts shared", () => {
  it("always counts that vote, however quickly the votes come", async () => {
    const { cookies, vote } = await openPollWithVoters("shared counts", 6);
    // One after another: each answer counts every vote before it and its own.
    expect((await vote(cookies[0]!)).ballots).toBe(1);
    expect((await vote(cookies[1]!)).ballots).toBe(2);
    // At once: each answer counts its own and the ones before, and no more than there are.
    const burst = await Promise.all(cookies.slice(2).map(vote));
    for (const answer of burst) {
      expect(answer.ballots).toBeGreaterThanOrEqual(3);
      expect(answer.ballots).toBeLessThanOrEqual(6);
    }
  });

  it("shows one's ballot on the next page, whichever count that page is given", async () => {
    const { id, cookies, vote } = await openPollWithVoters("a page after a ballot", 2);
    expect((await vote(cookies[0]!)).ballots).toBe(1);
    // The clock stops: no newer count begins, the page is given the one read for the first answer.
    vi.useFakeTimers({ now: Date.now(), toFake: ["setTimeout", "Date"] });
    expect((await vote(cookies[1]!)).ballots).toBe(2);
    expect((await pollPage(ANONYMOUS, id))!.ballots).toBe(2);
  });

  it("keeps a process's ballots for the answers only until a count that holds them came back", async () => {
    const { id, cookies, vote } = await openPollWithVoters("kept ballots", 6);
    for (const cookie of cookies.slice(0, 5)) await vote(cookie);
    // A count begun after those five and come back: they are in it.
    expect(await ballotCount("poll", id)).toBe(5);
    expect((await vote(cookies[5]!)).ballots).toBe(6);
    // The next ballot forgot them: only its own is kept (all six were, before that count).
    expect(ballotsKeptHere("poll", id)).toBe(1);
  });

  it("answers without waiting for a count begun after the ballot", async () => {
    const {
      here,
      id,
      option,
      cookies: voters,
      vote,
    } = await openPollWithVoters("answers at once", 3);
    expect((await vote(voters[0]!)).ballots).toBe(1);
    // The clock stops: a ballot that waited for a newer count (up to a quarter second) would wait
    // for ever, and the test would time out.
    vi.useFakeTimers({ now: Date.now(), toFake: ["setTimeout", "Date"] });
    // Another process's ballot, which this process has not counted.
    await getDb()
      .insertInto("ballots")
      .values({
        pollId: id,
        roundId: null,
        receipt: "OTHER-PROCESS",
        choices: `[${option}]`,
        channel: "online",
      })
      .execute();
    // The last count (1) and this ballot: never more than there are (3), the voter's own in it.
    expect((await vote(voters[1]!)).ballots).toBe(2);
    // The count that ballot began for those that follow, once the clock moves again.
    await vi.runOnlyPendingTimersAsync();
    vi.useRealTimers();
    // A count that changed otherwise (a cancelled or confirmed paper count says so) is read again.
    emitEvent({ type: "vote.changed", communityId: here, kind: "poll", id });
    expect((await vote(voters[2]!)).ballots).toBe(4);
  });
});
