/**
 * One timing of the 六和指数 raw figures: opens TARGET, computes `rawFigures` for MONTH over every
 * community, and prints the time, how many communities had figures, and this process's peak
 * resident memory (VmHWM, which includes Node itself: about 60 MB of it is the runtime).
 *
 *   tsx bench/index/measure.ts TARGET MONTH
 */
import fs from "node:fs";
import { openDatabase } from "../../db/client.server";
import { rawFigures, verifiedResidents } from "../../app/services/index/measures.server";

const [target, month] = process.argv.slice(2);
if (!target || !month) throw new Error("usage: measure.ts TARGET MONTH");
const db = openDatabase(target);
const rssBefore = process.memoryUsage().rss;
const started = performance.now();
const figures = await rawFigures(db, month);
const seconds = (performance.now() - started) / 1000;
const residents = [...(await verifiedResidents(db, month)).values()].reduce((s, x) => s + x, 0);
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
    communities: figures.size,
    withData,
    residents,
    meanParticipation: withData ? Math.round((participation / withData) * 1000) / 1000 : null,
    rssBeforeMb: Math.round(rssBefore / 1048576),
    peakRssMb: Math.round(hwm / 1024),
  }),
);
