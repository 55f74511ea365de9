/** Ids of the demo data the e2e server was seeded with, read from its database file. */
import { inject } from "vitest";
import { openDatabase } from "../../db/client.server";

export interface SeededCommunity {
  community: number;
  council: number;
  past: number;
  live: number;
  upcoming: number;
}

/** A demo community by its code ("dongpo", "qingnian"…), its council and its first meetings. */
export async function seededCommunity(code: string): Promise<SeededCommunity> {
  const db = openDatabase(inject("dbPath"));
  try {
    const community = await db
      .selectFrom("areas")
      .select("id")
      .where("code", "=", code)
      .executeTakeFirstOrThrow();
    const council = await db
      .selectFrom("councils")
      .select("id")
      .where("areaId", "=", community.id)
      .executeTakeFirstOrThrow();
    const meeting = async (status: "published" | "live" | "scheduled") =>
      (
        await db
          .selectFrom("meetings")
          .select("id")
          .where("councilId", "=", council.id)
          .where("status", "=", status)
          .orderBy("startsAt")
          .executeTakeFirstOrThrow()
      ).id;
    return {
      community: community.id,
      council: council.id,
      past: await meeting("published"),
      live: await meeting("live"),
      upcoming: await meeting("scheduled"),
    };
  } finally {
    await db.destroy();
  }
}

/** Ids of seeded projects and organisations, looked up by their (unique) titles and names. */
export async function seededByTitle(
  projects: Record<string, string>,
  organisations: Record<string, string>,
): Promise<Record<string, number>> {
  const db = openDatabase(inject("dbPath"));
  try {
    const out: Record<string, number> = {};
    for (const [token, title] of Object.entries(projects)) {
      out[token] = (
        await db
          .selectFrom("projects")
          .select("id")
          .where("title", "=", title)
          .executeTakeFirstOrThrow()
      ).id;
    }
    for (const [token, name] of Object.entries(organisations)) {
      out[token] = (
        await db
          .selectFrom("organisations")
          .select("id")
          .where("name", "=", name)
          .executeTakeFirstOrThrow()
      ).id;
    }
    return out;
  } finally {
    await db.destroy();
  }
}
