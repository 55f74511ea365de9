/** Ids of the demo data the e2e server was seeded with, read from its database file. */
import { inject } from "vitest";
import { openDatabase } from "../../db/client.server";
import { pageCacheMs } from "../../app/services/shown.server";
import { YES_NO } from "../../app/domain/voting/rules";

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
          // The demo's own meetings come first by id; its year of history (db/seed-history.ts)
          // was loaded after them, though it took place earlier.
          .orderBy("id")
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
  polls: Record<string, string> = {},
  rounds: Record<string, string> = {},
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
    for (const [token, question] of Object.entries(polls)) {
      out[token] = (
        await db
          .selectFrom("polls")
          .select("id")
          .where("question", "=", question)
          .executeTakeFirstOrThrow()
      ).id;
    }
    for (const [token, title] of Object.entries(rounds)) {
      out[token] = (
        await db
          .selectFrom("budgetRounds")
          .select("id")
          .where("title", "=", title)
          .executeTakeFirstOrThrow()
      ).id;
    }
    return out;
  } finally {
    await db.destroy();
  }
}

export interface SeededPoll {
  id: number;
  options: Array<{ id: number; code: string | null; label: string }>;
  /** The published ballots, as the seed wrote them. */
  ballots: Array<{ receipt: string; choices: number[]; channel: "online" | "paper" }>;
}

/**
 * Seeded votes: polls by question (with their options and ballots), budget rounds by title (with
 * their projects), and people by login (for pickers that show display names).
 */
export async function seededVotes(
  polls: Record<string, string>,
  rounds: Record<string, string>,
  users: Record<string, string>,
): Promise<{
  polls: Record<string, SeededPoll>;
  rounds: Record<
    string,
    { id: number; projects: Array<{ id: number; title: string; cost: number }> }
  >;
  users: Record<string, { id: number; displayName: string }>;
}> {
  const db = openDatabase(inject("dbPath"));
  try {
    const out: Awaited<ReturnType<typeof seededVotes>> = { polls: {}, rounds: {}, users: {} };
    for (const [token, question] of Object.entries(polls)) {
      const { id } = await db
        .selectFrom("polls")
        .select("id")
        .where("question", "=", question)
        .executeTakeFirstOrThrow();
      const options = await db
        .selectFrom("pollOptions")
        .select(["id", "code", "label"])
        .where("pollId", "=", id)
        .orderBy("position")
        .execute();
      const ballots = await db
        .selectFrom("ballots")
        .select(["receipt", "choices", "channel"])
        .where("pollId", "=", id)
        .orderBy("receipt")
        .execute();
      out.polls[token] = {
        id,
        options,
        ballots: ballots.map((b) => ({ ...b, choices: JSON.parse(b.choices) as number[] })),
      };
    }
    for (const [token, title] of Object.entries(rounds)) {
      const { id } = await db
        .selectFrom("budgetRounds")
        .select("id")
        .where("title", "=", title)
        .executeTakeFirstOrThrow();
      const projects = await db
        .selectFrom("roundProjects")
        .innerJoin("projects", "projects.id", "roundProjects.projectId")
        .select(["projects.id", "projects.title", "roundProjects.cost"])
        .where("roundProjects.roundId", "=", id)
        .orderBy("roundProjects.position")
        .execute();
      out.rounds[token] = { id, projects };
    }
    for (const [token, username] of Object.entries(users)) {
      out.users[token] = await db
        .selectFrom("users")
        .select(["id", "displayName"])
        .where("username", "=", username)
        .executeTakeFirstOrThrow();
    }
    return out;
  } finally {
    await db.destroy();
  }
}

/**
 * Ends a poll's voting now, as time would: the journey can then look its own ballot up. Time
 * closes a poll without an event, and the server keeps a poll's page (its window with it) for
 * PAGE_CACHE_MS (services/voting/queries.server.ts, `pollShown`): the clock passing a kept closing
 * time shows at once, a closing time moved by hand once the kept page has expired, so this waits.
 */
export async function closePollNow(id: number): Promise<void> {
  const db = openDatabase(inject("dbPath"));
  try {
    await db
      .updateTable("polls")
      .set({ closesAt: new Date(Date.now() - 1000).toISOString() })
      .where("id", "=", id)
      .execute();
  } finally {
    await db.destroy();
  }
  await new Promise((resolve) => setTimeout(resolve, pageCacheMs() + 100));
}

/**
 * A yes/no poll of the community's residents, open from a minute ago for a day: a journey's own,
 * which no other journey votes in or closes (the seeded open polls are closed by the voting one).
 */
export async function openYesNoPoll(communityId: number, question: string): Promise<number> {
  const db = openDatabase(inject("dbPath"));
  try {
    const now = Date.now();
    const { id } = await db
      .insertInto("polls")
      .values({
        communityId,
        meetingId: null,
        question,
        method: "yesNo",
        electorate: "residents",
        results: "afterClose",
        opensAt: new Date(now - 60_000).toISOString(),
        closesAt: new Date(now + 86_400_000).toISOString(),
        createdBy: null,
        createdAt: new Date(now - 60_000).toISOString(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db
      .insertInto("pollOptions")
      .values(YES_NO.map((code, position) => ({ pollId: id, position, code, label: code })))
      .execute();
    return id;
  } finally {
    await db.destroy();
  }
}

/**
 * Seeded needs' ids by their descriptions (db/seed-needs.ts), and areas' ids by their codes, as
 * tokens of the page sweep.
 */
export async function seededNeeds(
  byDescription: Record<string, string>,
  areas: Record<string, string> = {},
) {
  const db = openDatabase(inject("dbPath"));
  try {
    const out: Record<string, number> = {};
    for (const [token, code] of Object.entries(areas)) {
      out[token] = (
        await db.selectFrom("areas").select("id").where("code", "=", code).executeTakeFirstOrThrow()
      ).id;
    }
    for (const [token, description] of Object.entries(byDescription)) {
      out[token] = (
        await db
          .selectFrom("needs")
          .select("id")
          .where("description", "=", description)
          .executeTakeFirstOrThrow()
      ).id;
    }
    return out;
  } finally {
    await db.destroy();
  }
}

/**
 * The demo seed's conversation of a council (db/seed-conversations.ts): its first one (journeys
 * add others later), with its meeting and its accepted statements' ids; found by its council, not
 * by words the seed may reword.
 */
export async function seededConversation(
  councilId: number,
): Promise<{ id: number; meetingId: number | null; statements: number[] }> {
  const db = openDatabase(inject("dbPath"));
  try {
    const c = await db
      .selectFrom("conversations")
      .select(["id", "meetingId"])
      .where("councilId", "=", councilId)
      .orderBy("id")
      .executeTakeFirstOrThrow();
    const statements = await db
      .selectFrom("statements")
      .select("id")
      .where("conversationId", "=", c.id)
      .where("status", "=", "accepted")
      .orderBy("id")
      .execute();
    return { id: c.id, meetingId: c.meetingId, statements: statements.map((s) => s.id) };
  } finally {
    await db.destroy();
  }
}
