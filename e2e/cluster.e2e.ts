/**
 * Several processes: two Liuhe servers on one database and one Redis, nginx in front (the shipped
 * deploy/nginx.conf), real Socket.IO clients; then WORKERS=2, and settings that must stop the start.
 *
 * How clients reach both processes through nginx: the shipped config keeps a client on one server
 * by its address (ip_hash), and every client here comes from 127.0.0.1. So the test's nginx serves
 * the shipped `server` block twice, on two ports: port A's upstream is process A with B as backup,
 * port B's the other way round. A client of port A meets process A while A lives; once A is gone,
 * nginx's proxy_next_upstream passes it to B, as ip_hash passes a client to the next server.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { io as connect, type ManagerOptions, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, getDb } from "../db/client.server";
import type {
  Ack,
  ClientToServerEvents,
  MessageView,
  RoomJoined,
  RoomState,
  ServerToClientEvents,
} from "~/realtime/protocol";
import { run } from "~/services/runner/command.server";
import { createPoll } from "~/services/voting/commands.server";
import {
  cookieFor,
  makeCommittee,
  makeCommitteeMember,
  makeCommunity,
  makeMeeting,
  makeMembership,
  makeUser,
  pollInput,
} from "../tests/support/factories";
import {
  freePort,
  serverDb,
  spawnServer,
  startServer,
  waitForHealth,
  type Running,
} from "./support/servers";

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

const REDIS_URL = process.env.REDIS_URL || "redis://127.0.0.1:6379";
// This file's own streams and channels: other test files (and sites) on the same Redis are not heard.
const PREFIX = `liuhe-test-${process.pid}-${Date.now()}:`;
const NGINX = "/usr/sbin/nginx";

let dir: string;
let serverEnv: Record<string, string>;
let dropDb: (() => Promise<void>) | undefined;
const servers: Running[] = [];
const clients: Client[] = [];
let nginx: ChildProcess | undefined;
let a: Running;
/** nginx's two doors: to process A (B as backup) and to process B (A as backup). */
let viaA: string;
let viaB: string;
let community: number;

/** Polls until `ok`, or fails saying what did not happen (a deadline, not a measure of speed). */
async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`still waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The test's nginx: the shipped `server` block on two ports, each with its own upstream. */
function nginxConf(ports: { a: number; b: number; viaA: number; viaB: number }): string {
  const shipped = fs.readFileSync("deploy/nginx.conf", "utf8");
  const map = shipped.slice(shipped.indexOf("map $http_upgrade"), shipped.indexOf("server {"));
  const server = shipped.slice(shipped.indexOf("server {"));
  const door = (port: number, upstream: string) => {
    const block = server
      .replace("listen 80;", `listen 127.0.0.1:${port};`)
      .replace("proxy_pass http://liuhe;", `proxy_pass http://${upstream};`);
    if (!block.includes(`${port};`) || !block.includes(upstream)) {
      throw new Error(
        "deploy/nginx.conf no longer has `listen 80;` and `proxy_pass http://liuhe;`",
      );
    }
    return block;
  };
  const upstream = (name: string, first: number, backup: number) =>
    `upstream ${name} {
      server 127.0.0.1:${first} max_fails=1 fail_timeout=30s;
      server 127.0.0.1:${backup} backup;
      keepalive 8;
    }`;
  const temp = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
    .map((t) => `${t}_temp_path ${dir}/nginx-${t};`)
    .join("\n");
  return `daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  ${temp}
  ${upstream("via_a", ports.a, ports.b)}
  ${upstream("via_b", ports.b, ports.a)}
  ${map}
  ${door(ports.viaA, "via_a")}
  ${door(ports.viaB, "via_b")}
}
`;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "liuhe-cluster-"));
  const db = await serverDb();
  dropDb = db.drop;
  // 500 ballot requests at once below: this file tests that each is stored once, not the bound on
  // requests in flight (tests/back-pressure.test.ts does), so the bound is set above them.
  serverEnv = { ...db.env, REDIS_URL, REDIS_PREFIX: PREFIX, MAX_IN_FLIGHT: "1000" };
  const started = await Promise.allSettled([startServer(serverEnv), startServer(serverEnv)]);
  for (const s of started) if (s.status === "fulfilled") servers.push(s.value);
  for (const s of started) if (s.status === "rejected") throw s.reason;
  a = servers[0]!;
  const b = servers[1]!;

  const ports = {
    a: Number(new URL(a.url).port),
    b: Number(new URL(b.url).port),
    viaA: await freePort(),
    viaB: await freePort(),
  };
  const conf = path.join(dir, "nginx.conf");
  fs.writeFileSync(conf, nginxConf(ports));
  let nginxOutput = "";
  nginx = spawn(NGINX, ["-p", dir, "-c", conf, "-e", path.join(dir, "nginx-error.log")], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  nginx.stderr!.on("data", (d: Buffer) => (nginxOutput += d.toString()));
  viaA = `http://127.0.0.1:${ports.viaA}`;
  viaB = `http://127.0.0.1:${ports.viaB}`;
  for (const url of [viaA, viaB]) {
    await until(`nginx at ${url}: ${nginxOutput}`, async () => {
      if (nginx!.exitCode !== null) throw new Error(`nginx exited: ${nginxOutput}`);
      return fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
    });
  }
  community = await makeCommunity();
});

afterAll(async () => {
  for (const c of clients) c.disconnect();
  if (nginx && nginx.exitCode === null) {
    const gone = new Promise((r) => nginx!.once("exit", r));
    nginx.kill("SIGTERM");
    await gone;
  }
  await Promise.all(servers.map((s) => s.stop("SIGKILL")));
  await closeDb();
  await dropDb?.();
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${PREFIX}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function client(url: string, cookie?: string, opts: Partial<ManagerOptions> = {}): Client {
  const c: Client = connect(url, {
    forceNew: true,
    reconnectionDelay: 100,
    reconnectionDelayMax: 500,
    extraHeaders: cookie ? { Cookie: cookie } : {},
    ...opts,
  });
  clients.push(c);
  return c;
}

// Typed emit-with-ack, so each call below reads as one request and its answer.
function ask<T>(c: Client, event: string, ...args: unknown[]): Promise<Ack<T>> {
  return (c.timeout(5000).emitWithAck as (e: string, ...a: unknown[]) => Promise<Ack<T>>)(
    event,
    ...args,
  );
}

/** One request on a connection of its own (no keep-alive), so successive ones spread over workers. */
function plain(
  base: string,
  method: string,
  path: string,
  body?: string,
  keepAlive = false,
): Promise<{ status: number; body: string; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      new URL(path, base),
      {
        method,
        agent: keepAlive ? new http.Agent({ keepAlive: true }) : false,
        headers: body === undefined ? {} : { "Content-Type": "text/plain;charset=UTF-8" },
        timeout: 5000,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body: text, connection: res.headers.connection }),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function posted(c: Client, meetingId: number, body: string): Promise<MessageView> {
  const res = await ask<{ message: MessageView }>(c, "room:post", { meetingId, body });
  if (!res.ok) throw new Error(res.error.message);
  return res.data.message;
}

async function resident() {
  const id = await makeUser();
  await makeMembership(id, community, "verified");
  return { id, cookie: await cookieFor(id) };
}

/**
 * A room reader that does what the room page does (components/room-live.ts): on every
 * (re)connect, and when a broadcast's `prev` is a message it never got, it joins with `after` =
 * the last message it has, and keeps one of each message by id. `live` lists every broadcast it
 * heard, so that a message broadcast twice shows.
 */
function reader(url: string, meetingId: number, cookie?: string) {
  const socket = client(url, cookie);
  const r = {
    socket,
    messages: new Map<number, MessageView>(),
    live: [] as number[],
    joins: [] as RoomJoined[],
    connects: 0,
  };
  const add = (m: MessageView) => r.messages.set(m.id, m);
  const last = () => Math.max(0, ...r.messages.keys());
  const catchUp = () =>
    socket.emit("room:join", { meetingId, after: last() }, (res) => {
      if (!res.ok) throw new Error(res.error.message);
      res.data.messages.forEach(add);
      r.joins.push(res.data);
    });
  socket.on("connect", () => {
    r.connects++;
    catchUp();
  });
  socket.on("room:message", (m) => {
    r.live.push(m.id);
    // The message before it never came (its process died first): ask, as the page does.
    if (m.prev !== null && m.prev > last()) catchUp();
    add(m);
  });
  return r;
}

const sorted = (ids: Iterable<number>) => [...ids].sort((x, y) => x - y);
const twice = (ids: number[]) => ids.filter((id, i) => ids.indexOf(id) !== i);

describe("two processes behind nginx, sharing Redis and the database", () => {
  it("brings each reader the other's messages once, in order, and counts presence across both", async () => {
    const { meetingId } = await makeMeeting(community);
    const [x, y] = [await resident(), await resident()];
    const rx = reader(viaA, meetingId, x.cookie);
    await until("x joined", () => rx.joins.length === 1);
    const ry = reader(viaB, meetingId, y.cookie);
    await until("y joined", () => ry.joins.length === 1);
    // y's process counts x on the other one.
    expect(ry.joins[0]!.presence).toBe(2);
    const ids = [
      (await posted(rx.socket, meetingId, "甲一")).id,
      (await posted(ry.socket, meetingId, "乙一")).id,
      (await posted(rx.socket, meetingId, "甲二")).id,
      (await posted(ry.socket, meetingId, "乙二")).id,
    ];
    // A broadcast sent twice would come before this last one: the stream keeps one order.
    const last = (await posted(rx.socket, meetingId, "完")).id;
    await until(
      "both have the last message",
      () => rx.live.includes(last) && ry.live.includes(last),
    );
    expect(rx.live).toEqual([...ids, last]);
    expect(ry.live).toEqual([...ids, last]);
    expect(ry.messages.get(ids[0]!)?.body).toBe("甲一");
  });

  it("shows a message hidden, and a room closed, by a moderator on one process to a reader on the other", async () => {
    const { meetingId } = await makeMeeting(community);
    const moderatorId = await makeUser();
    await makeCommittee(moderatorId, community);
    const moderator = reader(viaA, meetingId, await cookieFor(moderatorId));
    const author = reader(viaA, meetingId, (await resident()).cookie);
    const anyone = reader(viaB, meetingId);
    await until("all joined", () => [moderator, author, anyone].every((r) => r.joins.length > 0));
    const message = await posted(author.socket, meetingId, "广告：低价出售");
    await until("the reader has it", () => anyone.messages.has(message.id));
    expect(anyone.messages.get(message.id)?.body).toBe("广告：低价出售");

    const changed = new Promise<{ messageId: number }>((resolve) =>
      anyone.socket.once("room:messageChanged", resolve),
    );
    const hid = await ask(moderator.socket, "room:moderate", {
      action: "hide",
      messageId: message.id,
      reason: "广告",
    });
    expect(hid).toEqual({ ok: true, data: null });
    expect((await changed).messageId).toBe(message.id);
    const seen = await ask<{ message: MessageView }>(anyone.socket, "room:message", {
      messageId: message.id,
    });
    expect(seen).toMatchObject({
      ok: true,
      data: { message: { id: message.id, body: null, hidden: { reason: "广告", byFlags: false } } },
    });

    // Each process keeps a room's state for a few seconds: closing it on A drops B's copy at once.
    const closed = new Promise<RoomState>((resolve) => anyone.socket.once("room:state", resolve));
    expect(await ask(moderator.socket, "room:moderate", { action: "close", meetingId })).toEqual({
      ok: true,
      data: null,
    });
    expect((await closed).roomOpen).toBe(false);
    const late = reader(viaB, meetingId);
    await until("a late reader joined", () => late.joins.length > 0);
    expect(late.joins[0]!.state.roomOpen).toBe(false);
  });

  it("disconnects a signed-out session's sockets and forgets it in pages on both processes, and only that session's", async () => {
    const userId = await makeUser();
    const signedOut = await cookieFor(userId);
    const other = await cookieFor(userId);
    const onA = client(viaA, signedOut);
    const onB = client(viaB, signedOut);
    const stays = client(viaB, other);
    for (const c of [onA, onB, stays]) {
      expect(await ask(c, "whoami")).toMatchObject({ ok: true, data: { userId } });
    }
    const reasons: string[] = [];
    for (const c of [onA, onB]) c.on("disconnect", (reason) => reasons.push(reason));
    // Pages on process B know the session now (and keep that for a few seconds).
    const myDataOnB = () =>
      fetch(`${viaB}/me/data`, { headers: { Cookie: signedOut }, redirect: "manual" });
    expect((await myDataOnB()).status).toBe(200);

    // Signing out through port A: process A runs the command; B hears of it through Redis.
    const res = await fetch(`${viaA}/logout`, {
      method: "POST",
      headers: {
        Cookie: signedOut,
        Origin: viaA,
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: "",
      redirect: "manual",
    });
    expect(res.status).toBe(302);
    await until("both sockets of the session are let go", () => reasons.length === 2);
    expect(reasons).toEqual(["io server disconnect", "io server disconnect"]);
    // Process B's pages forgot it too: the next page there asks to sign in.
    const after = await myDataOnB();
    expect(after.status).toBe(302);
    expect(after.headers.get("location")).toMatch(/^\/login/);
    expect(stays.connected).toBe(true);
    expect(await ask(stays, "whoami")).toMatchObject({ ok: true, data: { userId } });
  });

  it("stores exactly one ballot per voter from 500 concurrent ballot requests spread over both processes", async () => {
    const committee = await makeCommitteeMember(community);
    const pollId = await run(createPoll, committee, {
      ...pollInput(),
      communityId: community,
      meetingId: null,
    });
    const option = (
      await getDb().selectFrom("pollOptions").select("id").where("pollId", "=", pollId).execute()
    ).map((o) => o.id);
    const voters: Array<{ id: number; cookie: string }> = [];
    for (let i = 0; i < 120; i++) voters.push(await resident());
    // 500 requests: every voter at least once, most several times, alternately through each door.
    const attempts = Array.from({ length: 500 }, (_, i) => voters[(i * 7) % voters.length]!);
    const path = `/polls/${pollId}?_data=${encodeURIComponent("routes/polls.$id._index")}`;
    const statuses = await Promise.all(
      attempts.map(async (voter, i) => {
        const door = i % 2 === 0 ? viaA : viaB;
        const body = new URLSearchParams([
          ["intent", "vote"],
          ["choice", String(option[i % option.length])],
        ]);
        const res = await fetch(door + path, {
          method: "POST",
          body,
          headers: { Cookie: voter.cookie, Origin: door },
          redirect: "manual",
        });
        await res.arrayBuffer();
        return res.status;
      }),
    );
    // Each answer is a ballot taken or a refusal; none is a server error.
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    const count = (table: "ballots" | "participations") =>
      getDb()
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("pollId", "=", pollId)
        .executeTakeFirstOrThrow();
    expect((await count("ballots")).n).toBe(120);
    const voted = await getDb()
      .selectFrom("participations")
      .select("userId")
      .where("pollId", "=", pollId)
      .execute();
    expect(sorted(voted.map((v) => v.userId))).toEqual(sorted(voters.map((v) => v.id)));
    expect((await count("participations")).n).toBe(120);
  });

  it("lets clients of a process killed while they post reconnect through nginx and catch up exactly", async () => {
    const { meetingId } = await makeMeeting(community);
    const readerA = reader(viaA, meetingId);
    const readerB = reader(viaB, meetingId);
    const posters = await Promise.all(
      [viaA, viaB, viaA, viaB, viaA, viaB].map(async (via) =>
        client(via, (await resident()).cookie),
      ),
    );
    await until("everyone connected", () =>
      [readerA.joins.length, readerB.joins.length, ...posters.map((p) => p.connected)].every(
        Boolean,
      ),
    );

    let acknowledged = 0;
    // Five posts each, the most one person may send in ten seconds. A post cut off by the kill
    // may or may not have been stored: the database says which.
    const posting = posters.map(async (poster, i) => {
      for (let k = 0; k < 5; k++) {
        await until(`poster ${i} connected`, () => poster.connected);
        const res = await ask(poster, "room:post", { meetingId, body: `${i}-${k}` }).catch(
          () => null,
        );
        if (res?.ok) acknowledged++;
      }
    });
    await until("some posts went through", () => acknowledged >= 8);
    a.child.kill("SIGKILL");
    await Promise.all(posting);

    const stored = (
      await getDb()
        .selectFrom("roomMessages")
        .select("id")
        .where("meetingId", "=", meetingId)
        .orderBy("id")
        .execute()
    ).map((m) => m.id);
    // Every post went through but those cut off by the kill: one per poster of process A at most.
    expect(acknowledged).toBeGreaterThanOrEqual(30 - 3);
    expect(stored.length).toBeGreaterThanOrEqual(acknowledged);
    await until("both readers have every stored message", () =>
      [readerA, readerB].every((r) => stored.every((id) => r.messages.has(id))),
    );
    expect(readerA.connects).toBeGreaterThanOrEqual(2);
    for (const r of [readerA, readerB]) {
      expect(sorted(r.messages.keys())).toEqual(stored);
      expect(twice(r.live)).toEqual([]);
    }
  });
});

describe("WORKERS and settings that stop the start", () => {
  it("refuses bad settings, an unreachable Redis or database before listening, with exit code 1", async () => {
    const closed = await freePort();
    const cases: Array<[Record<string, string>, string]> = [
      [{ WORKERS: "0" }, 'WORKERS must be a whole number from 1 to 64 (got "0")'],
      [{ WORKERS: "abc" }, 'WORKERS must be a whole number from 1 to 64 (got "abc")'],
      [{ WORKERS: "1.5" }, 'WORKERS must be a whole number from 1 to 64 (got "1.5")'],
      [{ REDIS_URL: "http://cache:6379" }, "REDIS_URL must be redis://host[:port] or rediss://"],
      [
        { REDIS_URL: `redis://127.0.0.1:${closed}` },
        `REDIS_URL: cannot reach Redis at 127.0.0.1:${closed} within 3 s`,
      ],
      [{ DATABASE_URL: "mysql://root:secret@db/liuhe" }, "DATABASE_URL must be postgres://"],
      [
        { DATABASE_URL: `postgres://liuhe:secret@127.0.0.1:${closed}/liuhe` },
        `cannot reach the database at postgres://liuhe:***@127.0.0.1:${closed}/liuhe`,
      ],
    ];
    for (const [env, message] of cases) {
      const server = spawnServer({ ...serverEnv, PORT: String(await freePort()), ...env });
      servers.push(server);
      expect(await server.exited).toBe(1);
      expect(server.output()).toContain("Liuhe cannot start:");
      expect(server.output()).toContain(message);
      expect(server.output()).not.toContain("listening");
      expect(server.output()).not.toContain("secret");
    }
  });

  it("WORKERS=2 migrates before forking, keeps connections alive, serves a session's requests wherever they land, replaces a worker that dies, and stops on SIGTERM", async () => {
    const group = spawnServer({
      PORT: String(await freePort()),
      WORKERS: "2",
      REDIS_URL,
      REDIS_PREFIX: `${PREFIX}workers:`,
      DATABASE_URL: "",
      DATABASE_PATH: path.join(dir, "workers.sqlite"),
      SEED_DEMO: "false",
    });
    servers.push(group);
    const ready = () =>
      [...group.output().matchAll(/^worker (\d+) ready$/gm)].map((m) => Number(m[1]));
    await waitForHealth(group.url, group);
    await until("two workers ready", () => ready().length === 2);
    const lines = group.output().split("\n");
    const lastMigrated = lines.findLastIndex((l) => l.startsWith("migrated "));
    expect(lastMigrated).toBeGreaterThan(-1);
    expect(lastMigrated).toBeLessThan(lines.findIndex((l) => l.endsWith(" ready")));

    // Pages keep their connection (each request on a new one would cost a handshake).
    const page = await plain(group.url, "GET", "/healthz", undefined, true);
    expect(page.status).toBe(200);
    expect(page.connection).not.toBe("close");

    // Long polling by hand, each request on a new connection: the workers take new connections
    // in turn, so about half of them land on the worker that did not open the session.
    const open = await plain(group.url, "GET", "/socket.io/?EIO=4&transport=polling");
    expect(open.status).toBe(200);
    const sid = (JSON.parse(open.body.slice(1)) as { sid: string }).sid;
    expect(sid).toMatch(/^w\d+-/);
    const at = `/socket.io/?EIO=4&transport=polling&sid=${sid}`;
    expect((await plain(group.url, "POST", at, "40")).body).toBe("ok");
    expect((await plain(group.url, "GET", at)).body).toMatch(/^40\{"sid":/);
    for (let i = 1; i <= 6; i++) {
      expect((await plain(group.url, "POST", at, `42${i}["whoami"]`)).body).toBe("ok");
      expect((await plain(group.url, "GET", at)).body).toBe(
        `43${i}[{"ok":true,"data":{"userId":null,"displayName":null}}]`,
      );
    }
    // A session that does not exist (or died with its worker) is refused as Engine.IO refuses it.
    const gone = await plain(
      group.url,
      "GET",
      `/socket.io/?EIO=4&transport=polling&sid=w999-${"x".repeat(20)}`,
    );
    expect(gone.status).toBe(400);

    // Clients that start polling and then upgrade: the upgrade is a new connection, to either
    // worker, and reaches the session's own.
    const upgraders = [0, 1, 2, 3].map(() =>
      client(group.url, undefined, { transports: ["polling", "websocket"] }),
    );
    await until("every client upgraded to a WebSocket", () =>
      upgraders.every((u) => u.io.engine?.transport.name === "websocket"),
    );
    for (const u of upgraders) expect((await ask(u, "whoami")).ok).toBe(true);

    // Long polling only: every request of a session must meet the worker that opened it.
    const pollers = [0, 1, 2, 3].map(() =>
      client(group.url, undefined, { transports: ["polling"] }),
    );
    const dropped: string[] = [];
    for (const p of pollers) p.on("disconnect", (reason) => dropped.push(reason));
    for (let round = 0; round < 5; round++) {
      const answers = await Promise.all(pollers.map((p) => ask(p, "whoami")));
      expect(answers.every((res) => res.ok)).toBe(true);
    }
    expect(dropped).toEqual([]);

    const [victim] = ready();
    process.kill(victim!, "SIGKILL");
    await until("a worker replaces the one that died", () => ready().length === 3);
    expect(group.output()).toContain(`worker ${victim} exited (SIGKILL): starting another`);
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${group.url}/healthz`, { signal: AbortSignal.timeout(5000) });
      expect(res.ok).toBe(true);
    }

    const workers = ready().filter((pid) => pid !== victim);
    expect(await group.stop("SIGTERM")).toBe(0);
    expect(group.output()).toContain("SIGTERM: closing the workers");
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    expect(workers.filter(alive)).toEqual([]);
  });
});
