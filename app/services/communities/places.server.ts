/**
 * The tree of places (districts, streets, communities, grids), read once per process.
 *
 * Areas are reference data: no command writes them. The seed (db/seed.ts) and the test factories
 * write them, before the pages that read them, and call `forgetPlaces` when they do. Pages asked
 * the database for the same few rows on every request (a community page: its ancestors and its
 * grids, two of its thirteen queries); a city has some thousands of areas, a few hundred KB held
 * once. Should a command ever create or rename areas, it must call `forgetPlaces` and publish a
 * domain event that does the same on every process.
 *
 * Read paths only: the first load queries through the process's handle, which inside a SQLite
 * transaction would wait for the transaction's own connection.
 */
import { getDb, type DB } from "../../../db/client.server";
import type { Area } from "../../../db/schema";

export interface Places {
  byId: ReadonlyMap<number, Readonly<Area>>;
  /** Children of an area (null: the districts), in their display order. */
  children: ReadonlyMap<number | null, readonly Readonly<Area>[]>;
}

const loaded = new WeakMap<DB, Promise<Places>>();

async function load(db: DB): Promise<Places> {
  const rows = await db.selectFrom("areas").selectAll().orderBy("sort").orderBy("id").execute();
  const byId = new Map<number, Readonly<Area>>();
  const children = new Map<number | null, Readonly<Area>[]>();
  for (const row of rows) {
    const area = Object.freeze(row);
    byId.set(area.id, area);
    const siblings = children.get(area.parentId) ?? [];
    siblings.push(area);
    children.set(area.parentId, siblings);
  }
  return { byId, children };
}

export function places(db: DB = getDb()): Promise<Places> {
  let p = loaded.get(db);
  if (!p) {
    p = load(db);
    // A failed read is not remembered: the next request tries again.
    p.catch(() => loaded.delete(db));
    loaded.set(db, p);
  }
  return p;
}

/** After areas were written (seed, test factories): the next read loads them again. */
export function forgetPlaces(db: DB = getDb()): void {
  loaded.delete(db);
}

export async function areaById(id: number): Promise<Readonly<Area> | undefined> {
  return (await places()).byId.get(id);
}

/** An area and the areas above it, nearest first (a parent loop, were one stored, ends the walk). */
export async function withAncestors(id: number): Promise<Readonly<Area>[]> {
  const { byId } = await places();
  const walk: Readonly<Area>[] = [];
  for (let a = byId.get(id); a && !walk.includes(a); a = byId.get(a.parentId ?? -1)) walk.push(a);
  return walk;
}

/** The areas directly below one (null: the districts), in display order. */
export async function childAreas(id: number | null): Promise<readonly Readonly<Area>[]> {
  return (await places()).children.get(id) ?? [];
}
