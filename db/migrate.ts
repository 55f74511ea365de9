/** `npm run db:migrate` (up to the latest) and `npm run db:migrate -- --down` (one step down). */
import { databaseLabel, openDatabase } from "./client.server";
import { migrateDown, migrateToLatest } from "./migrator";

const db = openDatabase();
try {
  const down = process.argv.includes("--down");
  const result = down ? await migrateDown(db) : await migrateToLatest(db);
  const ran = result.results ?? [];
  console.log(`database: ${databaseLabel()}`);
  if (ran.length === 0) console.log("already up to date");
  for (const r of ran) console.log(`${r.direction === "Up" ? "up  " : "down"} ${r.migrationName}`);
} finally {
  await db.destroy();
}
