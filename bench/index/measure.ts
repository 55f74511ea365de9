/**
 * One timing of the 六和指数: opens TARGET, computes `rawFigures` for MONTH over every community,
 * then the whole snapshot (`computeSnapshot`, written), and prints both times, how many
 * communities had figures, and this process's peak resident memory (VmHWM, which includes Node
 * itself: about 100 MB of it is the runtime).
 *
 *   tsx bench/index/measure.ts TARGET MONTH
 */
import fs from "node:fs";
import { openDatabase } from "../../db/client.server";
import { transaction } from "../../db/portable";
import { rawFigures, verifiedResidents } from "../../app/services/index/measures.server";
import {
  computeSnapshot,
  ensureDefaultMethod,
  loadMethod,
} from "../../app/services/index/snapshots.server";

const [target, month] = process.argv.slice(2);
if (!target || !month) throw new Error("usage: measure.ts TARGET MONTH");
const db = openDatabase(target);
const rssBefore = process.memoryUsage().rss;
const started = performance.now();
const figures = await rawFigures(db, month);
const seconds = (performance.now() - started) / 1000;
const residents = [...(await verifiedResidents(db, month)).values()].reduce((s, x) => s + x, 0);
// The whole monthly snapshot, as the monthly job and the admins' form run it: the raw figures
// again, the method's weights and normalisation, the streets', districts' and city's
// aggregation, and the scores' inserts, in one transaction. Each timing adds a snapshot (a
// correction of the one before), as a recomputation would.
const snapshotStarted = performance.now();
const written = await transaction(db, async (trx) => {
  const at = new Date().toISOString();
  const version = await ensureDefaultMethod(trx, at);
  const method = (await loadMethod(trx, version))!;
  return computeSnapshot(trx, {
    month,
    methodVersion: version,
    tree: method.tree,
    computedAt: at,
    computedBy: null,
    reason: "benchmark",
  });
});
const snapshotSeconds = (performance.now() - snapshotStarted) / 1000;
await db.destroy();
const hwm = Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync("/proc/self/status", "utf8"))?.[1] ?? 0);
let withData = 0;
let participation = 0;
for (const f of figures.values()) {
  if (f.participation.value !== null) {
    withData++;
    participation += f.participation.value;
  }
}
console.log(
  JSON.stringify({
    seconds: Math.round(seconds * 100) / 100,
    snapshotSeconds: Math.round(snapshotSeconds * 100) / 100,
    scoreRows: written.rows,
    communities: figures.size,
    withData,
    residents,
    meanParticipation: withData ? Math.round((participation / withData) * 1000) / 1000 : null,
    rssBeforeMb: Math.round(rssBefore / 1048576),
    peakRssMb: Math.round(hwm / 1024),
  }),
);
