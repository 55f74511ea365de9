import { closeDb, databasePath, getDb } from "../../db/client.server";
import { migrateToLatest } from "../../db/migrator";
import { isDatabaseEmpty, seedDemoData } from "../../db/seed";
import { closeCluster } from "./cluster.server";

/** Migrate, load the demo city into an empty database (unless SEED_DEMO=false), and go. */
export async function boot(): Promise<void> {
  const db = getDb();
  const result = await migrateToLatest(db);
  for (const r of result.results ?? []) console.log(`migrated ${r.migrationName}`);
  if (process.env.SEED_DEMO !== "false" && (await isDatabaseEmpty(db))) {
    await seedDemoData(db);
    console.log(`demo data loaded into ${databasePath()}`);
  }
}

export async function shutdown(): Promise<void> {
  await Promise.all([closeDb(), closeCluster()]);
}
