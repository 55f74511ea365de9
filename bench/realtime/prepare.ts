/**
 * Prepares a database for the realtime benchmark: the demo city, plus one community with ROOMS
 * live public meetings and CLIENTS verified residents, each with a session (inserted in bulk,
 * bench/support/prepare.ts). Writes what the load generator needs (session tokens, meeting ids)
 * to a JSON file.
 *
 *   tsx bench/realtime/prepare.ts DB_PATH OUT_JSON CLIENTS ROOMS
 */
import fs from "node:fs";
import { demoDatabase, insertResidents, settleJobs } from "../support/prepare";

const [dbPath, out, clientsArg, roomsArg] = process.argv.slice(2);
if (!dbPath || !out) throw new Error("usage: prepare.ts DB_PATH OUT_JSON CLIENTS ROOMS");
const clients = Number(clientsArg ?? 1000);
const rooms = Number(roomsArg ?? 20);

const db = await demoDatabase(dbPath);

const now = new Date();
const iso = now.toISOString();
const community = await db
  .selectFrom("areas")
  .select("id")
  .where("code", "=", "wensan")
  .executeTakeFirstOrThrow();
const meetings: number[] = [];
const tokens = await db.transaction().execute(async (trx) => {
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
  const residents = await insertResidents(trx, {
    communityId: community.id,
    count: clients,
    username: (i) => `bench${i}`,
    displayName: (i) => `居民${i}`,
    at: iso,
    sessionsUntil: new Date(now.getTime() + 86_400_000).toISOString(),
  });
  return residents.map((r) => r.token);
});
await settleJobs(db);
await db.destroy();
fs.writeFileSync(out, JSON.stringify({ tokens, meetings }));
console.log(`prepared ${clients} residents and ${rooms} live rooms in ${dbPath}`);
