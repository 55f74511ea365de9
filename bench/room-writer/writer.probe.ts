/**
 * The room's post writer on its own, without sockets: 800 verified residents in 40 rooms hand it
 * 1,600 posts at once (two each, inside the rate limit), twice; it prints posts stored per second
 * of wall time, the process's CPU per post and the statements sent per post. Run on a fresh test
 * database of either engine, as the tests are:
 *
 *   npm run bench:room-writer                                   # SQLite
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:room-writer
 *
 * The wall time moves with the machine's other load; CPU and statements per post much less. Copy
 * this folder into an older checkout to compare.
 */
import pg from "pg";
import sqlite3 from "sqlite3";
import { expect, it, vi } from "vitest";
import { getDb } from "../../db/client.server";
import { isPostgres } from "../../db/portable";
import { sendPost } from "~/services/room/posts.server";
import { makeCommunity, makeMeeting, makeResident } from "../../tests/support/factories";

const ROOMS = 40;
const PEOPLE = 800;
const EACH = 2;

it("writes posts", async () => {
  const community = await makeCommunity();
  const rooms: number[] = [];
  for (let i = 0; i < ROOMS; i++) rooms.push((await makeMeeting(community)).meetingId);
  const people = [];
  for (let i = 0; i < PEOPLE; i++) people.push(await makeResident(community));
  const spies = isPostgres(getDb())
    ? [vi.spyOn(pg.Client.prototype, "query")]
    : [vi.spyOn(sqlite3.Statement.prototype, "all"), vi.spyOn(sqlite3.Statement.prototype, "run")];
  const lines: string[] = [];
  for (const round of [1, 2]) {
    for (const spy of spies) spy.mockClear();
    const cpu = process.cpuUsage();
    const start = performance.now();
    const posts = [];
    for (let k = 0; k < EACH; k++)
      for (const [i, actor] of people.entries())
        posts.push(sendPost(actor, { meetingId: rooms[i % ROOMS]!, body: `${round}.${k}.${i}` }));
    const settled = await Promise.allSettled(posts);
    const ms = performance.now() - start;
    const used = process.cpuUsage(cpu);
    const stored = settled.filter((s) => s.status === "fulfilled").length;
    const statements = spies.reduce((n, spy) => n + spy.mock.calls.length, 0);
    lines.push(
      `round ${round}: ${stored}/${posts.length} stored in ${ms.toFixed(0)} ms, ${((stored / ms) * 1000).toFixed(0)} posts/s; ` +
        `CPU ${((used.user + used.system) / 1000 / stored).toFixed(2)} ms/post; ${(statements / stored).toFixed(2)} statements/post`,
    );
    expect(stored).toBe(posts.length);
  }
  console.log(
    `room writer (${isPostgres(getDb()) ? "PostgreSQL" : "SQLite"}):\n${lines.join("\n")}`,
  );
});
