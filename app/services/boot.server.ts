import { closeDb, databaseLabel, getDb, pingDatabase } from "../../db/client.server";
import { migrateToLatest } from "../../db/migrator";
import { isDatabaseEmpty, seedDemoData } from "../../db/seed";
import { closeCluster } from "./cluster.server";
import { deliveriesSettled } from "./notices/delivery.server";
import { reindexMissing } from "./search.server";

/** Migrate, load the demo city into an empty database (unless SEED_DEMO=false), and go. */
export async function boot(): Promise<void> {
  const db = getDb();
  // Fail before anything else, with the address in the message (never the password).
  await pingDatabase(db).catch((e: unknown) => {
    const why = e instanceof Error ? e.message : String(e);
    throw new Error(`cannot reach the database at ${databaseLabel()}: ${why}`, { cause: e });
  });
  const result = await migrateToLatest(db);
  for (const r of result.results ?? []) console.log(`migrated ${r.migrationName}`);
  // Rows with no search index row (the index was emptied by a migration): indexed again.
  const indexed = await reindexMissing(db);
  if (indexed) console.log(`search index: ${indexed} rows indexed`);
  if (process.env.SEED_DEMO !== "false" && (await isDatabaseEmpty(db))) {
    await seedDemoData(db);
    console.log(`demo data loaded into ${databaseLabel()}`);
  }
}

export async function shutdown(): Promise<void> {
  // Notices committed by the last requests are delivered before the database closes (what a
  // crash leaves undelivered, the job delivers after the restart).
  await deliveriesSettled();
  await Promise.all([closeDb(), closeCluster()]);
}
