/**
 * `npm run audit:verify`: recomputes every audit chain from its first entry (db/audit-chain.ts says
 * how) in the database the app uses (DATABASE_URL, or DATABASE_PATH / ./data/liuhe.sqlite), and
 * says, per area, OK with the latest hash (the one a committee writes in its minutes), or the first
 * entry where the chain breaks with the hash expected and the hash stored. Exit code 1 if any chain
 * breaks, 0 if all are whole. It only reads.
 */
import { pathToFileURL } from "node:url";
import type { Kysely } from "kysely";
import { verifyChains, type ChainReport } from "./audit-chain";
import { closeDb, databaseLabel, getDb } from "./client.server";
import type { Database } from "./schema";

export function describeChain(r: ChainReport): string {
  const who = r.areaId === null ? "no area" : `area ${r.areaId}`;
  const count = `${r.entries} ${r.entries === 1 ? "entry" : "entries"}`;
  if (!r.broken) return `${who}: OK, ${count}, latest hash ${r.latest}`;
  const b = r.broken;
  return (
    `${who}: BROKEN at entry id ${b.id} (${count}): ${b.field} expected ${b.expected}, ` +
    `stored ${b.stored}`
  );
}

/** The report's lines and whether every chain is whole. */
export async function auditVerify(db: Kysely<Database>): Promise<{ ok: boolean; lines: string[] }> {
  const reports = await verifyChains(db);
  return {
    ok: reports.every((r) => r.broken === null),
    lines: reports.length === 0 ? ["the audit log is empty"] : reports.map(describeChain),
  };
}

async function main(): Promise<number> {
  try {
    const { ok, lines } = await auditVerify(getDb());
    console.log(`audit chains of ${databaseLabel()}:`);
    for (const line of lines) console.log(`  ${line}`);
    if (!ok) console.error("the audit log was changed: see BROKEN above");
    return ok ? 0 : 1;
  } catch (e) {
    console.error(e);
    return 1;
  } finally {
    await closeDb();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main();
}
