/**
 * With REDIS_URL, what happens to a process when Redis goes away under it: at shutdown (the
 * connection closed while sockets still leave their rooms) or in an outage. Socket.IO's Redis
 * adapter sends its short-lived messages (presence questions, heartbeats) with PUBLISH and did not
 * handle a failed one: the rejection was unhandled and ended the process (seen in the realtime
 * benchmark with two workers). Patched in patches/@socket.io+redis-streams-adapter+*.patch; this
 * proves the patch is applied and holds.
 */
import { createServer } from "node:http";
import type { Duplex } from "node:stream";
import { afterEach, expect, it } from "vitest";
import { Redis } from "ioredis";
import { attachRealtime } from "~/realtime/server.server";
import { closeCluster, clusterRedis, connectCluster } from "~/services/cluster.server";

const REDIS_URL = process.env.REDIS_URL || "redis://127.0.0.1:6379";
const PREFIX = `liuhe-test-away-${process.pid}-`;

const unhandled: unknown[] = [];
const record = (reason: unknown) => unhandled.push(reason);

afterEach(async () => {
  process.off("unhandledRejection", record);
  await closeCluster().catch(() => undefined);
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${PREFIX}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

it("keeps the process alive, and counts presence on its own, when Redis is gone", async () => {
  process.on("unhandledRejection", record);
  await connectCluster(REDIS_URL, PREFIX);
  const realtime = attachRealtime(createServer());
  // Redis is gone for this process: every command on the connection now fails at once.
  clusterRedis()!.redis.disconnect();
  // What a presence count asks the other processes: counted without them, not left waiting.
  const answers = await new Promise<number[]>((resolve, reject) =>
    realtime.io.serverSideEmit("presence", "meeting:1", (e: Error | null, counts: number[]) =>
      e ? reject(e) : resolve(counts),
    ),
  );
  expect(answers).toEqual([]);
  // A message that wants no answer (sent with PUBLISH, as heartbeats are).
  const untyped = realtime.io as unknown as { serverSideEmit: (ev: string, arg: string) => void };
  untyped.serverSideEmit("presence", "meeting:1");
  await new Promise((r) => setTimeout(r, 200));
  expect(unhandled).toEqual([]);
  await realtime.close();
});

it("closes without an error when Redis drops the connection while it says goodbye", async () => {
  process.on("unhandledRejection", record);
  await connectCluster(REDIS_URL, PREFIX);
  const { redis } = clusterRedis()!;
  const closing = closeCluster();
  // The connection breaks with QUIT under way (seen at shutdown as "write EPIPE").
  (redis as unknown as { stream: Duplex }).stream.destroy();
  await expect(closing).resolves.toBeUndefined();
  expect(clusterRedis()).toBeNull();
  expect(unhandled).toEqual([]);
});
