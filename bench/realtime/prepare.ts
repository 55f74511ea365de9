/**
 * Prepares a database for the realtime benchmark: the demo city, plus one community with ROOMS
 * live public meetings and CLIENTS verified residents, each with a session. Writes what the load
 * generator needs (session tokens, meeting ids) to a JSON file.
 *
 *   tsx bench/realtime/prepare.ts DB_PATH OUT_JSON CLIENTS ROOMS
 */
import fs from "node:fs";
import { openDatabase } from "../../db/client.server";
import { migrateToLatest } from "../../db/migrator";
import { seedDemoData } from "../../db/seed";
import { createHash, randomBytes } from "node:crypto";

const [dbPath, out, clientsArg, roomsArg] = process.argv.slice(2);
if (!dbPath || !out) throw new Error("usage: prepare.ts DB_PATH OUT_JSON CLIENTS ROOMS");
const clients = Number(clientsArg ?? 1000);
const rooms = Number(roomsArg ?? 20);

for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(dbPath + suffix, { force: true });
const db = openDatabase(dbPath);
await migrateToLatest(db);
await seedDemoData(db);

const now = new Date();
const iso = now.toISOString();
const community = await db
  .selectFrom("areas")
  .select("id")
  .where("code", "=", "wensan")
  .executeTakeFirstOrThrow();
const tokens: string[] = [];
const meetings: number[] = [];
await db.transaction().execute(async (trx) => {
  const { id: councilId } = await trx
    .insertInto("councils")
    .values({
      areaId: community.id,
      name: "bench",
      purpose: "bench",
      createdBy: null,
      createdAt: iso,
      updatedAt: iso,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  for (let r = 0; r < rooms; r++) {
    const { id } = await trx
      .insertInto("meetings")
      .values({
        councilId,
        topic: `bench ${r}`,
        description: "bench",
        startsAt: iso,
        endsAt: new Date(now.getTime() + 86_400_000).toISOString(),
        place: "bench",
        status: "live",
        isPublic: 1,
        createdBy: null,
        createdAt: iso,
        currentAgendaItemId: null,
        floorUserId: null,
        floorUntil: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    meetings.push(id);
  }
  for (let i = 0; i < clients; i++) {
    const { id: userId } = await trx
      .insertInto("users")
      .values({
        displayName: `居民${i}`,
        username: `bench${i}`,
        phone: null,
        passwordHash: "!",
        consentVersion: "bench",
        consentedAt: iso,
        createdAt: iso,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("memberships")
      .values({
        userId,
        communityId: community.id,
        status: "verified",
        requestedAt: iso,
        decidedAt: iso,
      })
      .execute();
    // The same shape as accounts/sessions.server's openSession, written in bulk.
    const token = randomBytes(32).toString("base64url");
    await trx
      .insertInto("sessions")
      .values({
        id: createHash("sha256").update(token).digest("hex"),
        userId,
        createdAt: iso,
        expiresAt: new Date(now.getTime() + 86_400_000).toISOString(),
        lastSeenAt: iso,
        userAgent: "bench",
      })
      .execute();
    tokens.push(token);
  }
});
await db.destroy();
fs.writeFileSync(out, JSON.stringify({ tokens, meetings }));
console.log(`prepared ${clients} residents and ${rooms} live rooms in ${dbPath}`);
