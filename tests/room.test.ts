/** The room service: posting and its refusals, pacing, moderation, flags and the speaker queue. */
import pg from "pg";
import sqlite3 from "sqlite3";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ANONYMOUS, type Actor } from "~/domain/permissions/policy";
import { flagMessage, lowerHand, postMessage, raiseHand } from "~/services/room/commands.server";
import {
  closeRoom,
  giveFloor,
  hideMessage,
  muteUser,
  pinMessage,
  reopenRoom,
  setAgendaItem,
  setSlowMode,
  unhideMessage,
} from "~/services/room/moderation.server";
import { sendPost, writeBatch, type PendingPost } from "~/services/room/posts.server";
import { getMessage, history, moderationQueue, roomState } from "~/services/room/queries.server";
import { onEvent } from "~/services/events.server";
import { run, runIn } from "~/services/runner/command.server";
import { getDb } from "../db/client.server";
import { isPostgres, transaction, transactionRetries } from "../db/portable";
import {
  actorFor,
  dbSnapshot,
  makeCommittee,
  makeCommunity,
  makeMeeting,
  makeResident,
  makeUser,
  cookieFor,
} from "./support/factories";
import { refusal } from "./support/refusal";
import { body, formRequest, run as runRoute } from "./support/remix";
import { action as roomAction } from "~/routes/meetings.$id.room";
import type { Refusal } from "~/utils/forms.server";

let community: number;
let meetingId: number;
let items: number[];
let resident: Actor;
let other: Actor;
let committee: Actor;

beforeEach(async () => {
  community = await makeCommunity();
  ({ meetingId, items } = await makeMeeting(community));
  resident = await makeResident(community, { displayName: "王阿姨" });
  other = await makeResident(community, { displayName: "张师傅" });
  const c = await makeUser({ displayName: "李主任" });
  await makeCommittee(c, community);
  committee = await actorFor(c);
});

afterEach(() => {
  vi.useRealTimers();
});

describe("posting", () => {
  it("stores the message, tagged with the current agenda item, before anyone hears of it", async () => {
    const m = await run(postMessage, resident, { meetingId, body: "  消防通道天天被占  " });
    expect(m).toMatchObject({
      body: "消防通道天天被占",
      author: "王阿姨",
      agendaItemId: items[0],
      hidden: null,
    });
    const page = await history(ANONYMOUS, meetingId);
    expect(page.messages.map((x) => x.id)).toEqual([m.id]);
  });

  it("links each broadcast to the room's message before it, so a reader can tell one is missing", async () => {
    const heard: Array<{ id: number; prev: number | null }> = [];
    const stop = onEvent((e) => {
      if (e.type === "room.message" && e.meetingId === meetingId)
        heard.push({ id: e.message.id, prev: e.message.prev });
    });
    try {
      const elsewhere = (await makeMeeting(community)).meetingId;
      const a = await run(postMessage, resident, { meetingId, body: "一" });
      await run(postMessage, other, { meetingId: elsewhere, body: "别的会" });
      const b = await run(postMessage, other, { meetingId, body: "二" });
      const [c, d] = await Promise.all([
        sendPost(resident, { meetingId, body: "三" }),
        sendPost(committee, { meetingId, body: "四" }),
      ]);
      expect(heard).toEqual([
        { id: a.id, prev: null },
        { id: b.id, prev: a.id },
        { id: c.id, prev: b.id },
        { id: d.id, prev: c.id },
      ]);
    } finally {
      stop();
    }
  });

  it("refuses anonymous people, unverified people and strangers, changing nothing", async () => {
    const stranger = await actorFor(await makeUser());
    const otherCommunity = await makeResident(await makeCommunity());
    const before = await dbSnapshot();
    expect((await refusal(run(postMessage, ANONYMOUS, { meetingId, body: "hi" }))).status).toBe(
      401,
    );
    expect((await refusal(run(postMessage, stranger, { meetingId, body: "hi" }))).status).toBe(403);
    expect(
      (await refusal(run(postMessage, otherCommunity, { meetingId, body: "hi" }))).status,
    ).toBe(403);
    expect(await dbSnapshot()).toEqual(before);
  });

  it("refuses empty and overlong messages, counting characters not bytes", async () => {
    const before = await dbSnapshot();
    expect((await refusal(run(postMessage, resident, { meetingId, body: "   " }))).key).toBe(
      "meeting:errors.messageEmpty",
    );
    const long = await refusal(run(postMessage, resident, { meetingId, body: "长".repeat(2001) }));
    expect([long.status, long.key, long.params]).toEqual([400, "errors.tooLong", { max: 2000 }]);
    expect(await dbSnapshot()).toEqual(before);
    await run(postMessage, resident, { meetingId, body: "长".repeat(2000) });
  });

  it("refuses posting to a closed room and to a meeting that has ended", async () => {
    await run(closeRoom, committee, { meetingId });
    const before = await dbSnapshot();
    const e = await refusal(run(postMessage, resident, { meetingId, body: "还有人吗" }));
    expect([e.status, e.key]).toEqual([409, "meeting:errors.roomClosed"]);
    expect(await dbSnapshot()).toEqual(before);
    await run(reopenRoom, committee, { meetingId });
    await run(postMessage, resident, { meetingId, body: "又开了" });
  });

  it("refuses a muted person until the mute ends", async () => {
    await run(muteUser, committee, {
      meetingId,
      userId: resident.userId!,
      minutes: 5,
      reason: "刷屏",
    });
    const before = await dbSnapshot();
    const e = await refusal(run(postMessage, resident, { meetingId, body: "我还要说" }));
    expect([e.status, e.key, e.params.minutes]).toEqual([403, "meeting:errors.muted", 5]);
    expect(await dbSnapshot()).toEqual(before);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 6 * 60_000);
    await run(postMessage, resident, { meetingId, body: "好了" });
  });

  it("holds the rate limit: about five messages in ten seconds", async () => {
    for (let i = 0; i < 5; i++) await run(postMessage, resident, { meetingId, body: `第${i}条` });
    const e = await refusal(run(postMessage, resident, { meetingId, body: "第6条" }));
    expect([e.status, e.key]).toEqual([429, "meeting:errors.rateLimited"]);
    expect(Number(e.params.seconds)).toBeGreaterThan(0);
    // Others are not slowed by one person's pace.
    await run(postMessage, other, { meetingId, body: "我说一句" });
  });

  it("holds slow mode for participants, not for moderators", async () => {
    await run(setSlowMode, committee, { meetingId, seconds: 30 });
    await run(postMessage, resident, { meetingId, body: "第一条" });
    const e = await refusal(run(postMessage, resident, { meetingId, body: "第二条" }));
    expect([e.status, e.key]).toEqual([429, "meeting:errors.slowMode"]);
    expect(Number(e.params.seconds)).toBeGreaterThan(25);
    await run(postMessage, committee, { meetingId, body: "主持人一" });
    await run(postMessage, committee, { meetingId, body: "主持人二" });
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 31_000);
    await run(postMessage, resident, { meetingId, body: "第二条" });
  });
});

describe("posts arriving together", () => {
  it("are written in batches, each sender getting their own stored message back", async () => {
    const people = await Promise.all(
      Array.from({ length: 30 }, (_, i) => makeResident(community, { displayName: `居民${i}` })),
    );
    const results = await Promise.all(
      people.map((p, i) => sendPost(p, { meetingId, body: `第${i}位` })),
    );
    expect(new Set(results.map((r) => r.id)).size).toBe(30);
    const stored = await history(ANONYMOUS, meetingId, { limit: 100 });
    for (const [i, r] of results.entries()) {
      expect(r).toMatchObject({ author: `居民${i}`, body: `第${i}位` });
      expect(stored.messages.find((m) => m.id === r.id)).toMatchObject({
        author: `居民${i}`,
        body: `第${i}位`,
      });
    }
  });

  it("hold the rate limit even within one batch, refusing only the extra posts", async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => sendPost(resident, { meetingId, body: `连发${i}` })),
    );
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(5);
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected");
    expect(refused.map((o) => (o.reason as { key: string }).key)).toEqual(
      Array(3).fill("meeting:errors.rateLimited"),
    );
    expect((await history(ANONYMOUS, meetingId)).messages).toHaveLength(5);
  });
});

/** A post as the socket hands it to the batch writer, with the promise of its answer. */
function pending(actor: Actor, input: { meetingId: number; body: string }) {
  let post!: PendingPost;
  const answer = new Promise<{ id: number; meetingId: number }>((resolve, reject) => {
    post = { actor, input, resolve, reject };
  });
  return { post, answer };
}

/** Counts the statements sent to the database (either engine's driver), until `stop`. */
function countStatements() {
  const spies = isPostgres(getDb())
    ? [vi.spyOn(pg.Client.prototype, "query")]
    : [vi.spyOn(sqlite3.Statement.prototype, "all"), vi.spyOn(sqlite3.Statement.prototype, "run")];
  return {
    count: () => spies.reduce((n, spy) => n + spy.mock.calls.length, 0),
    stop: () => spies.forEach((spy) => spy.mockRestore()),
  };
}

describe("a batch's cost", () => {
  it("is a fixed number of statements, however many posts and rooms it holds", async () => {
    const rooms = [meetingId, (await makeMeeting(community)).meetingId];
    const people = await Promise.all(
      Array.from({ length: 40 }, (_, i) => makeResident(community, { displayName: `居民${i}` })),
    );
    const batch = (who: Actor[]) =>
      who.map((actor, i) => pending(actor, { meetingId: rooms[i % 2]!, body: `第${i}条` }));
    const written: number[] = [];
    for (const who of [people.slice(0, 4), people.slice(4)]) {
      const posts = batch(who);
      const statements = countStatements();
      try {
        await writeBatch(posts.map((p) => p.post));
      } finally {
        written.push(statements.count());
        statements.stop();
      }
      // Every post is stored and answered with its own message.
      const answers = await Promise.all(posts.map((p) => p.answer));
      expect(new Set(answers.map((a) => a.id)).size).toBe(who.length);
    }
    // Four posts or thirty-six: the same statements (one post each would be three apiece).
    expect(written[0]).toBeGreaterThan(0);
    expect(written[1]).toBe(written[0]);
    const stored = await history(ANONYMOUS, rooms[1]!, { limit: 100 });
    expect(stored.messages).toHaveLength(20);
  });
});

describe.runIf(isPostgres(getDb()))("posts from several processes (PostgreSQL)", () => {
  it("commit in the order of their ids within a room, so catching up after an id misses nothing", async () => {
    let inserted!: () => void;
    const first = new Promise<void>((r) => (inserted = r));
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    // One post's transaction, as another process would hold it: its id drawn, not yet committed.
    const slow = transaction(getDb(), async (trx) => {
      const done = await runIn(trx, postMessage, resident, { meetingId, body: "先写的" });
      inserted();
      await held;
      return done.result;
    });
    await first;
    let secondDone = false;
    const second = run(postMessage, other, { meetingId, body: "后写的" }).then((m) => {
      secondDone = true;
      return m;
    });
    // Without the room's lock the second post would draw a larger id and commit first, and a
    // reader catching up after it would never see the first. It waits for the first instead.
    await new Promise((r) => setTimeout(r, 300));
    expect(secondDone).toBe(false);
    expect((await history(ANONYMOUS, meetingId)).messages).toEqual([]);
    release();
    const [a, b] = [await slow, await second];
    expect(b.id).toBeGreaterThan(a.id);
    const caughtUp = await history(ANONYMOUS, meetingId, { after: 0 });
    expect(caughtUp.messages.map((m) => m.body)).toEqual(["先写的", "后写的"]);
  });
  it("write another room's posts while one room waits for another process's batch", async () => {
    const { meetingId: second } = await makeMeeting(community);
    let locked!: () => void;
    const lockTaken = new Promise<void>((r) => (locked = r));
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    // Another process's batch, holding the first room until released.
    const elsewhere = transaction(getDb(), async (trx) => {
      await trx
        .selectFrom("meetings")
        .select("id")
        .where("id", "=", meetingId)
        .forUpdate()
        .execute();
      locked();
      await held;
    });
    await lockTaken;
    let firstDone = false;
    const first = sendPost(resident, { meetingId, body: "等着" }).then((m) => {
      firstDone = true;
      return m;
    });
    // The writer takes the first post on the next turn; its batch then waits for the room.
    await new Promise((r) => setImmediate(r));
    // One batch at a time, this post would wait behind that one, and the room's lock with it.
    const other = await sendPost(resident, { meetingId: second, body: "不用等" });
    expect(other.meetingId).toBe(second);
    expect(firstDone).toBe(false);
    release();
    await elsewhere;
    expect((await first).meetingId).toBe(meetingId);
  });

  it("lets two processes' batches over the same rooms commit one after the other, never twice", async () => {
    // Two busy rooms; each batch, as one process's writer would hold it, posts in both, in
    // opposite orders. Taken as they came, the locks would wait in a circle (a deadlock) and, under
    // SERIALIZABLE, each batch reading a room the other wrote would be aborted and run again.
    const { meetingId: second } = await makeMeeting(community);
    const people = await Promise.all(
      Array.from({ length: 12 }, (_, i) => makeResident(community, { displayName: `居民${i}` })),
    );
    const answers: Array<Promise<{ id: number; meetingId: number }>> = [];
    const batchOf = (rooms: number[], who: Actor[]) =>
      who.map((actor, i): PendingPost => {
        let post!: PendingPost;
        answers.push(
          new Promise((resolve, reject) => {
            post = {
              actor,
              input: { meetingId: rooms[i % 2]!, body: `第${i}条` },
              resolve,
              reject,
            };
          }),
        );
        return post;
      });
    const heard = new Map<number, Array<{ id: number; prev: number | null }>>();
    const stop = onEvent((e) => {
      if (e.type !== "room.message") return;
      heard.set(e.meetingId, [...(heard.get(e.meetingId) ?? []), e.message]);
    });
    const retriesBefore = transactionRetries();
    try {
      await Promise.all([
        writeBatch(batchOf([second, meetingId], people.slice(0, 6))),
        writeBatch(batchOf([meetingId, second], people.slice(6))),
      ]);
    } finally {
      stop();
    }
    const stored = await Promise.all(answers);
    expect(transactionRetries() - retriesBefore).toBe(0);
    for (const room of [meetingId, second]) {
      // Each broadcast names the room's message before it: ids in commit order, none missing.
      const chain = heard.get(room)!.map(({ id, prev }) => ({ id, prev }));
      expect(chain).toHaveLength(6);
      chain.forEach((m, k) => expect(m.prev).toBe(k === 0 ? null : chain[k - 1]!.id));
      expect(chain.map((m) => m.id).sort()).toEqual(
        stored
          .filter((m) => m.meetingId === room)
          .map((m) => m.id)
          .sort(),
      );
    }
  });
});

describe("history", () => {
  it("pages backwards and catches up forwards without gaps or duplicates", async () => {
    const ids: number[] = [];
    const people = [resident, other, committee];
    for (let i = 0; i < 12; i++) {
      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(Date.now() + 3000);
      ids.push((await run(postMessage, people[i % 3]!, { meetingId, body: `m${i}` })).id);
    }
    const latest = await history(ANONYMOUS, meetingId, { limit: 5 });
    expect(latest.messages.map((m) => m.id)).toEqual(ids.slice(7));
    expect(latest.more).toBe(true);
    const older = await history(ANONYMOUS, meetingId, { before: ids[7], limit: 5 });
    expect(older.messages.map((m) => m.id)).toEqual(ids.slice(2, 7));
    const missed = await history(ANONYMOUS, meetingId, { after: ids[3] });
    expect(missed.messages.map((m) => m.id)).toEqual(ids.slice(4));
    expect(missed.more).toBe(false);
  });

  it("keeps a private meeting's room to its community and seat holders", async () => {
    const { meetingId: privateMeeting } = await makeMeeting(community, { isPublic: false });
    expect((await refusal(history(ANONYMOUS, privateMeeting))).status).toBe(401);
    expect((await refusal(history(await actorFor(await makeUser()), privateMeeting))).status).toBe(
      403,
    );
    await history(resident, privateMeeting);
  });
});

describe("moderation", () => {
  it("hides with a reason: others see the reason, the author and moderators the text", async () => {
    const m = await run(postMessage, resident, { meetingId, body: "不当言论" });
    await run(hideMessage, committee, { meetingId, messageId: m.id, reason: "人身攻击" });
    expect(await getMessage(other, m.id)).toMatchObject({
      body: null,
      hidden: { reason: "人身攻击", byFlags: false },
    });
    expect(await getMessage(ANONYMOUS, m.id)).toMatchObject({ body: null });
    expect(await getMessage(resident, m.id)).toMatchObject({
      body: "不当言论",
      hidden: { reason: "人身攻击" },
    });
    expect(await getMessage(committee, m.id)).toMatchObject({ body: "不当言论" });
    await run(unhideMessage, committee, { meetingId, messageId: m.id });
    expect(await getMessage(other, m.id)).toMatchObject({ body: "不当言论", hidden: null });
  });

  it("refuses forged moderation from residents and needs a reason to hide, changing nothing", async () => {
    const m = await run(postMessage, other, { meetingId, body: "正常发言" });
    const before = await dbSnapshot();
    for (const [action, attempt] of [
      [
        "hide",
        () => run(hideMessage, resident, { meetingId, messageId: m.id, reason: "我不喜欢" }),
      ],
      ["close", () => run(closeRoom, resident, { meetingId })],
      [
        "mute",
        () =>
          run(muteUser, resident, { meetingId, userId: other.userId!, minutes: 10, reason: "x" }),
      ],
      ["slowMode", () => run(setSlowMode, resident, { meetingId, seconds: 60 })],
      ["floor", () => run(giveFloor, resident, { meetingId, seconds: 60 })],
    ] as const) {
      const e = await refusal(attempt());
      expect([e.status, e.key], action).toEqual([403, "errors.forbidden"]);
    }
    expect(
      (await refusal(run(hideMessage, committee, { meetingId, messageId: m.id, reason: " " }))).key,
    ).toBe("meeting:errors.reasonRequired");
    expect(await dbSnapshot()).toEqual(before);
  });

  it("writes every moderation action to the audit log", async () => {
    const m = await run(postMessage, other, { meetingId, body: "x" });
    const earlier = (await dbSnapshot()).auditLog!.length;
    await run(pinMessage, committee, { meetingId, messageId: m.id });
    await run(setSlowMode, committee, { meetingId, seconds: 10 });
    const snapshot = await dbSnapshot();
    const changes = (
      snapshot.auditLog as Array<{ action: string; details: string; actorId: number }>
    )
      .slice(earlier)
      .filter((a) => a.action === "room.moderate" && a.actorId === committee.userId)
      .map((a) => (JSON.parse(a.details) as { change: string }).change);
    expect(changes).toEqual(["pinned", "slowMode"]);
  });

  it("hides a message after three flags from distinct verified residents, until reviewed", async () => {
    const m = await run(postMessage, committee, { meetingId, body: "可疑内容" });
    const flaggers = [resident, other, await makeResident(community)];
    expect(await run(flagMessage, flaggers[0]!, { messageId: m.id })).toEqual({ hidden: false });
    expect((await refusal(run(flagMessage, flaggers[0]!, { messageId: m.id }))).key).toBe(
      "meeting:errors.alreadyFlagged",
    );
    // The committee is not among the residents who flag; and nobody flags their own words.
    expect((await refusal(run(flagMessage, committee, { messageId: m.id }))).status).toBe(403);
    const mine = await run(postMessage, resident, { meetingId, body: "我自己的" });
    expect((await refusal(run(flagMessage, resident, { messageId: mine.id }))).key).toBe(
      "meeting:errors.flagOwn",
    );
    expect(await run(flagMessage, flaggers[1]!, { messageId: m.id })).toEqual({ hidden: false });
    expect(await run(flagMessage, flaggers[2]!, { messageId: m.id })).toEqual({ hidden: true });
    expect(await getMessage(ANONYMOUS, m.id)).toMatchObject({
      body: null,
      hidden: { byFlags: true },
    });
    expect((await moderationQueue(committee, meetingId)).map((r) => [r.id, r.openFlags])).toEqual([
      [m.id, 3],
    ]);
    // A moderator restores it: the flags are reviewed and stop counting.
    await run(unhideMessage, committee, { meetingId, messageId: m.id });
    expect(await moderationQueue(committee, meetingId)).toEqual([]);
    expect((await getMessage(ANONYMOUS, m.id)).hidden).toBeNull();
  });

  it("does not let unverified people flag", async () => {
    const m = await run(postMessage, resident, { meetingId, body: "x" });
    expect(
      (await refusal(run(flagMessage, await actorFor(await makeUser()), { messageId: m.id })))
        .status,
    ).toBe(403);
  });
});

describe("speaker queue", () => {
  it("keeps hands in order and gives the floor for a timed turn", async () => {
    await run(raiseHand, resident, { meetingId });
    await run(raiseHand, other, { meetingId });
    expect((await refusal(run(raiseHand, resident, { meetingId }))).key).toBe(
      "meeting:errors.handAlreadyUp",
    );
    const state = await roomState(ANONYMOUS, meetingId);
    expect(state.queue.map((q) => q.displayName)).toEqual(["王阿姨", "张师傅"]);

    const floor = await run(giveFloor, committee, { meetingId, seconds: 120 });
    expect(floor.userId).toBe(resident.userId);
    const after = await roomState(ANONYMOUS, meetingId);
    expect(after.floor).toMatchObject({ userId: resident.userId, displayName: "王阿姨" });
    expect(after.queue.map((q) => q.userId)).toEqual([other.userId]);
    expect(new Date(after.floor!.until).getTime() - Date.now()).toBeGreaterThan(110_000);

    await run(lowerHand, other, { meetingId });
    expect((await roomState(ANONYMOUS, meetingId)).queue).toEqual([]);
    expect((await refusal(run(giveFloor, committee, { meetingId, seconds: 60 }))).key).toBe(
      "meeting:errors.queueEmpty",
    );
  });

  it("lets only moderators give the floor or lower others' hands", async () => {
    await run(raiseHand, other, { meetingId });
    const before = await dbSnapshot();
    expect((await refusal(run(giveFloor, resident, { meetingId, seconds: 60 }))).status).toBe(403);
    expect(
      (await refusal(run(lowerHand, resident, { meetingId, userId: other.userId! }))).status,
    ).toBe(403);
    expect((await refusal(run(giveFloor, committee, { meetingId, seconds: 7 }))).key).toBe(
      "errors.invalidChoice",
    );
    expect(await dbSnapshot()).toEqual(before);
  });

  it("marks the current agenda item, which tags new messages", async () => {
    await run(setAgendaItem, committee, { meetingId, agendaItemId: items[1]! });
    expect((await run(postMessage, resident, { meetingId, body: "说方案" })).agendaItemId).toBe(
      items[1],
    );
    const { items: foreign } = await makeMeeting(community);
    expect(
      (await refusal(run(setAgendaItem, committee, { meetingId, agendaItemId: foreign[0]! })))
        .status,
    ).toBe(404);
  });
});

describe("the room page's forms", () => {
  const post = async (who: Actor, fields: Record<string, string>) =>
    runRoute(
      roomAction,
      formRequest(`/meetings/${meetingId}/room`, fields, {
        Cookie: await cookieFor(who.userId!),
      }),
      { id: String(meetingId) },
    );

  it("run the same commands as the socket, each answering with its own done value", async () => {
    const m = await run(postMessage, other, { meetingId, body: "跑题了" });
    const hidden = await post(committee, {
      intent: "hide",
      messageId: String(m.id),
      reason: "跑题",
    });
    expect(hidden.headers.get("Location")).toBe(`/meetings/${meetingId}/room?done=mod-hide`);
    expect(await getMessage(resident, m.id)).toMatchObject({ hidden: { reason: "跑题" } });
    const slow = await post(committee, { intent: "slowMode", seconds: "30" });
    expect(slow.headers.get("Location")).toBe(`/meetings/${meetingId}/room?done=mod-slowMode`);
    expect((await roomState(ANONYMOUS, meetingId)).slowModeSeconds).toBe(30);
    const raised = await post(resident, { intent: "raise" });
    expect(raised.headers.get("Location")).toBe(`/meetings/${meetingId}/room?done=raised`);
    const floor = await post(committee, { intent: "floor", userId: "", seconds: "120" });
    expect(floor.headers.get("Location")).toBe(`/meetings/${meetingId}/room?done=mod-floor`);
    expect((await roomState(ANONYMOUS, meetingId)).floor?.userId).toBe(resident.userId);
  });

  it("refuse values the page sets itself as a tampered form, and a message of another room", async () => {
    const m = await run(postMessage, other, { meetingId, body: "正常发言" });
    const { meetingId: elsewhere } = await makeMeeting(community);
    const foreign = await run(postMessage, other, { meetingId: elsewhere, body: "别处" });
    const before = await dbSnapshot();
    const tampered: Array<Record<string, string>> = [
      { intent: "moderate", action: "hide", messageId: String(m.id), reason: "x" },
      { intent: "flag", messageId: "abc" },
      { intent: "slowMode", seconds: "45000" },
      { intent: "floor", seconds: "7" },
      { intent: "mute", userId: String(other.userId), minutes: "", reason: "刷屏" },
    ];
    for (const fields of tampered) {
      const who = fields.intent === "flag" ? resident : committee;
      const res = await post(who, fields);
      expect(res.status, fields.intent).toBe(400);
      expect((await body<Refusal>(res)).errors._form?.key, fields.intent).toBe("errors.badForm");
    }
    const res = await post(committee, { intent: "pin", messageId: String(foreign.id) });
    expect(res.status).toBe(404);
    expect((await body<Refusal>(res)).errors._form?.key).toBe("meeting:errors.messageNotFound");
    const empty = await post(committee, { intent: "hide", messageId: String(m.id), reason: " " });
    expect((await body<Refusal>(empty)).errors.reason?.key).toBe("meeting:errors.reasonRequired");
    expect(await dbSnapshot()).toEqual(before);
  });
});
