/** `npm run db:seed`: migrate, then load the demo city if the database is empty. */
import { databaseLabel, openDatabase } from "./client.server";
import { migrateToLatest } from "./migrator";
import { isDatabaseEmpty, seedDemoData } from "./seed";

const db = openDatabase();
try {
  await migrateToLatest(db);
  if (await isDatabaseEmpty(db)) {
    await seedDemoData(db);
    console.log(`demo data loaded into ${databaseLabel()}`);
  } else {
    console.log(`${databaseLabel()} already has data; nothing seeded`);
  }
} finally {
  await db.destroy();
}
