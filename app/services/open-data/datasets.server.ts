/**
 * Open data, the reads: each dataset's rows, page by page (keyset: `id > last`, never OFFSET and
 * never the whole table in memory), and what the list page says of each (rows and last update).
 *
 * What a dataset holds is what the public pages show anyone, and no more: every meeting (a
 * meeting's page is public; `isPublic` is about its room), every project but drafts, polls and
 * rounds once closed with their paper box counted (as their published ballots), and needs as the
 * public board lists them, without their text, place, photos or anyone behind them.
 */
import { getDb } from "../../../db/client.server";
import { fixedT } from "~/i18n/i18next.server";
import { DATASETS, type DatasetId, type Row } from "~/domain/open-data/datasets";
import { scaled } from "~/domain/open-data/datasets";
import { ensureTallied, ballotCount } from "../voting/queries.server";
import { paperBox, pollVotes } from "../voting/records.server";
import { countOf } from "../rows.server";
import { shownReads } from "../shown.server";
import { publicUrl } from "~/utils/site-url.server";

/** Rows read per query. */
export const PAGE_ROWS = 500;
/** Polls and rounds read per query: each brings its options or projects, and its counts. */
const VOTES_PAGE = 50;

const num = (n: number | bigint | string | null) => (n === null ? 0 : Number(n));

/** The city (index rows with no area) by name, from the locale files. */
const cityName = () => ({
  zh: fixedT("zh-CN", "openData")("cityName"),
  en: fixedT("en", "openData")("cityName"),
});

async function* indexRows(size: number): AsyncGenerator<Row[]> {
  const db = getDb();
  const snapshots = await db
    .selectFrom("indexSnapshots")
    .select(["id", "month", "methodVersion", "computedAt"])
    .where("supersededBy", "is", null)
    .orderBy("month")
    .execute();
  const city = cityName();
  for (const s of snapshots) {
    const base = {
      snapshotId: s.id,
      month: s.month,
      methodVersion: s.methodVersion,
      computedAt: s.computedAt,
    };
    const figures = (r: {
      node: string;
      score: number | null;
      value: number | null;
      numerator: number | null;
      denominator: number | null;
      residents: number;
    }) => ({
      node: r.node,
      score: scaled(r.score, 100),
      value: scaled(r.value, 1000),
      numerator: r.numerator,
      denominator: r.denominator,
      residents: r.residents,
    });
    const columns = [
      "indexScores.node",
      "indexScores.score",
      "indexScores.value",
      "indexScores.numerator",
      "indexScores.denominator",
      "indexScores.residents",
    ] as const;
    // The city first (area NULL: a few hundred rows at most), then the areas by (area, node),
    // which the unique index on (snapshot, area, node) gives in order.
    let lastNode = "";
    for (;;) {
      const cityRows = await db
        .selectFrom("indexScores")
        .select(columns)
        .where("snapshotId", "=", s.id)
        .where("areaId", "is", null)
        .where("node", ">", lastNode)
        .orderBy("node")
        .limit(size)
        .execute();
      if (cityRows.length === 0) break;
      yield cityRows.map((r) => ({
        ...base,
        areaId: null,
        areaLevel: "city",
        areaNameZh: city.zh,
        areaNameEn: city.en,
        ...figures(r),
      }));
      lastNode = cityRows.at(-1)!.node;
    }
    let after = { area: 0, node: "" };
    for (;;) {
      const rows = await db
        .selectFrom("indexScores")
        .innerJoin("areas", "areas.id", "indexScores.areaId")
        .select([...columns, "indexScores.areaId", "areas.level", "areas.nameZh", "areas.nameEn"])
        .where("indexScores.snapshotId", "=", s.id)
        .where((eb) =>
          eb.or([
            eb("indexScores.areaId", ">", after.area),
            eb.and([
              eb("indexScores.areaId", "=", after.area),
              eb("indexScores.node", ">", after.node),
            ]),
          ]),
        )
        .orderBy("indexScores.areaId")
        .orderBy("indexScores.node")
        .limit(size)
        .execute();
      if (rows.length === 0) break;
      yield rows.map((r) => ({
        ...base,
        areaId: r.areaId,
        areaLevel: r.level,
        areaNameZh: r.nameZh,
        areaNameEn: r.nameEn,
        ...figures(r),
      }));
      const last = rows.at(-1)!;
      after = { area: last.areaId!, node: last.node };
    }
  }
}

async function* meetingRows(size: number): AsyncGenerator<Row[]> {
  const db = getDb();
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom("meetings")
      .innerJoin("councils", "councils.id", "meetings.councilId")
      .innerJoin("areas", "areas.id", "councils.areaId")
      .select((eb) => [
        "meetings.id",
        "meetings.councilId",
        "councils.name as councilName",
        "councils.areaId",
        "areas.level as areaLevel",
        "areas.nameZh as areaNameZh",
        "areas.nameEn as areaNameEn",
        "meetings.topic",
        "meetings.startsAt",
        "meetings.endsAt",
        "meetings.status",
        "meetings.cancelledAt",
        "meetings.isPublic",
        eb
          .selectFrom("commitments")
          .select((c) => c.fn.countAll<number>().as("n"))
          .whereRef("commitments.meetingId", "=", "meetings.id")
          .as("commitments"),
        eb
          .selectFrom("commitments")
          .select((c) => c.fn.countAll<number>().as("n"))
          .whereRef("commitments.meetingId", "=", "meetings.id")
          .where("commitments.status", "=", "done")
          .as("commitmentsDone"),
      ])
      .where("meetings.id", ">", after)
      .orderBy("meetings.id")
      .limit(size)
      .execute();
    if (rows.length === 0) return;
    yield rows.map(({ cancelledAt, isPublic, ...m }) => ({
      ...m,
      cancelled: cancelledAt !== null,
      roomPublic: isPublic === 1,
      minutesPublished: m.status === "published",
      commitments: num(m.commitments),
      commitmentsDone: num(m.commitmentsDone),
    }));
    after = rows.at(-1)!.id;
  }
}

async function* projectRows(size: number): AsyncGenerator<Row[]> {
  const db = getDb();
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom("projects")
      .innerJoin("areas", "areas.id", "projects.communityId")
      .leftJoin("organisations", "organisations.id", "projects.organisationId")
      .select([
        "projects.id",
        "projects.communityId",
        "areas.nameZh as communityNameZh",
        "areas.nameEn as communityNameEn",
        "projects.title",
        "projects.category",
        "projects.status",
        "projects.budgetTotal",
        "projects.spentTotal",
        "projects.organisationId",
        "organisations.name as organisationName",
        "projects.supportCount",
        "projects.submittedAt",
        "projects.startsOn",
        "projects.endsOn",
        "projects.updatedAt",
      ])
      // The public list's rule: drafts never appear (services/projects/queries.server.ts).
      .where("projects.status", "!=", "draft")
      .where("projects.id", ">", after)
      .orderBy("projects.id")
      .limit(size)
      .execute();
    if (rows.length === 0) return;
    yield rows.map(({ budgetTotal, spentTotal, supportCount, ...p }) => ({
      ...p,
      budget: budgetTotal,
      spent: spentTotal,
      // A resident proposer is never named: only whether a resident or an organisation proposed.
      proposerKind: p.organisationId === null ? "resident" : "organisation",
      supports: supportCount,
    }));
    after = rows.at(-1)!.id;
  }
}

async function* needRows(size: number): AsyncGenerator<Row[]> {
  const db = getDb();
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom("needs")
      .innerJoin("areas as street", "street.id", "needs.streetId")
      .innerJoin("areas as community", "community.id", "needs.communityId")
      .innerJoin("areas as grid", "grid.id", "needs.gridId")
      .select([
        "needs.id",
        "needs.category",
        "needs.status",
        "needs.streetId",
        "street.nameZh as streetNameZh",
        "street.nameEn as streetNameEn",
        "needs.communityId",
        "community.nameZh as communityNameZh",
        "community.nameEn as communityNameEn",
        "needs.gridId",
        "grid.nameZh as gridNameZh",
        "grid.nameEn as gridNameEn",
        "needs.createdAt as reportedAt",
        "needs.closedAt",
        "needs.intensity",
      ])
      .where("needs.id", ">", after)
      .orderBy("needs.id")
      .limit(size)
      .execute();
    if (rows.length === 0) return;
    yield rows;
    after = rows.at(-1)!.id;
  }
}

/**
 * Closed polls whose results are final (the paper box counted, as `paperBox` says: the same rule
 * the poll page and the published ballots follow), a page at a time.
 */
async function* finalPolls(now: Date, size = VOTES_PAGE) {
  const db = getDb();
  let after = 0;
  for (;;) {
    const polls = await db
      .selectFrom("polls")
      .innerJoin("areas", "areas.id", "polls.communityId")
      .select([
        "polls.id",
        "polls.question",
        "polls.communityId",
        "areas.nameZh as communityNameZh",
        "areas.nameEn as communityNameEn",
        "polls.meetingId",
        "polls.method",
        "polls.opensAt",
        "polls.closesAt",
      ])
      .where("polls.cancelledAt", "is", null)
      .where("polls.closesAt", "<=", now.toISOString())
      .where("polls.id", ">", after)
      .orderBy("polls.id")
      .limit(size)
      .execute();
    if (polls.length === 0) return;
    const settled = await Promise.all(polls.map((p) => paperBox(db, "poll", p.id)));
    yield polls.filter((_p, i) => settled[i]!.settled);
    after = polls.at(-1)!.id;
  }
}

async function* pollRows(now: Date, size: number): AsyncGenerator<Row[]> {
  const db = getDb();
  for await (const polls of finalPolls(now, size)) {
    if (polls.length === 0) continue;
    const options = await db
      .selectFrom("pollOptions")
      .select(["id", "pollId", "code", "label"])
      .where(
        "pollId",
        "in",
        polls.map((p) => p.id),
      )
      .orderBy("pollId")
      .orderBy("position")
      .execute();
    const counted = await Promise.all(
      polls.map(async (p) => ({
        ballots: await ballotCount("poll", p.id),
        votes: await pollVotes(db, p.id),
      })),
    );
    yield polls.flatMap(({ id, ...p }, i) =>
      options
        .filter((o) => o.pollId === id)
        .map((o) => ({
          pollId: id,
          ...p,
          ballots: counted[i]!.ballots,
          optionId: o.id,
          optionCode: o.code,
          optionLabel: o.label,
          votes: counted[i]!.votes.get(o.id) ?? 0,
          ballotsCsv: publicUrl(`/polls/${id}/ballots.csv`),
          ballotsJson: publicUrl(`/polls/${id}/ballots.json`),
        })),
    );
  }
}

/**
 * Counts closed rounds nobody has looked at since they closed, as their page would on its first
 * view (`ensureTallied`, which waits for the paper box): a round is in the data once counted.
 */
async function tallyClosedRounds(now: Date) {
  const waiting = await getDb()
    .selectFrom("budgetRounds")
    .select("id")
    .where("talliedAt", "is", null)
    .where("cancelledAt", "is", null)
    .where("closesAt", "<=", now.toISOString())
    .orderBy("id")
    .execute();
  for (const r of waiting) await ensureTallied(r.id);
}

async function* roundRows(now: Date, size: number): AsyncGenerator<Row[]> {
  const db = getDb();
  await tallyClosedRounds(now);
  let after = 0;
  for (;;) {
    const rounds = await db
      .selectFrom("budgetRounds")
      .innerJoin("areas", "areas.id", "budgetRounds.communityId")
      .select([
        "budgetRounds.id",
        "budgetRounds.title",
        "budgetRounds.communityId",
        "areas.nameZh as communityNameZh",
        "areas.nameEn as communityNameEn",
        "budgetRounds.method",
        "budgetRounds.budget",
        "budgetRounds.spent",
        "budgetRounds.opensAt",
        "budgetRounds.closesAt",
        "budgetRounds.talliedAt",
      ])
      .where("budgetRounds.talliedAt", "is not", null)
      .where("budgetRounds.id", ">", after)
      .orderBy("budgetRounds.id")
      .limit(size)
      .execute();
    if (rounds.length === 0) return;
    const [projects, ballots] = await Promise.all([
      db
        .selectFrom("roundProjects")
        .innerJoin("projects", "projects.id", "roundProjects.projectId")
        .select([
          "roundProjects.roundId",
          "projects.id",
          "projects.title",
          "roundProjects.cost",
          "roundProjects.approvals",
          "roundProjects.selected",
        ])
        .where(
          "roundProjects.roundId",
          "in",
          rounds.map((r) => r.id),
        )
        .orderBy("roundProjects.roundId")
        .orderBy("roundProjects.position")
        .execute(),
      Promise.all(rounds.map((r) => ballotCount("round", r.id))),
    ]);
    yield rounds.flatMap(({ id, title, ...r }, i) =>
      projects
        .filter((p) => p.roundId === id)
        .map((p) => ({
          roundId: id,
          roundTitle: title,
          ...r,
          ballots: ballots[i]!,
          projectId: p.id,
          projectTitle: p.title,
          cost: p.cost,
          approvals: p.approvals,
          selected: p.selected === 1,
          ballotsCsv: publicUrl(`/budgets/${id}/ballots.csv`),
          ballotsJson: publicUrl(`/budgets/${id}/ballots.json`),
          pabulib: publicUrl(`/budgets/${id}/round.pb`),
        })),
    );
    after = rounds.at(-1)!.id;
  }
}

/**
 * A dataset's rows, a page at a time, in a stable order (by id). `pageRows` is how many rows a
 * query reads (polls and rounds: how many of them, at most VOTES_PAGE, each with its options).
 */
export function datasetRows(
  dataset: DatasetId,
  now = new Date(),
  pageRows = PAGE_ROWS,
): AsyncGenerator<Row[]> {
  const votes = Math.min(pageRows, VOTES_PAGE);
  switch (dataset) {
    case "index":
      return indexRows(pageRows);
    case "meetings":
      return meetingRows(pageRows);
    case "projects":
      return projectRows(pageRows);
    case "rounds":
      return roundRows(now, votes);
    case "polls":
      return pollRows(now, votes);
    case "needs":
      return needRows(pageRows);
  }
}

export interface DatasetSummary {
  rows: number;
  /** The latest change to what the dataset holds; null when it holds nothing yet. */
  updatedAt: string | null;
}

/** The latest of some times (ISO strings compare as times), null for none. */
const latest = (...times: Array<string | null | undefined>) =>
  times.reduce<string | null>((a, t) => (t && (!a || t > a) ? t : a), null);

async function summaryOf(dataset: DatasetId, now: Date): Promise<DatasetSummary> {
  const db = getDb();
  switch (dataset) {
    case "index": {
      const current = db.selectFrom("indexSnapshots").where("supersededBy", "is", null);
      const [rows, last] = await Promise.all([
        countOf(db.selectFrom("indexScores").where("snapshotId", "in", current.select("id"))),
        current.select((eb) => eb.fn.max("computedAt").as("at")).executeTakeFirst(),
      ]);
      return { rows, updatedAt: latest(last?.at) };
    }
    case "meetings": {
      const [rows, m, c, u, minutes] = await Promise.all([
        countOf(db.selectFrom("meetings")),
        db
          .selectFrom("meetings")
          .select((eb) => [eb.fn.max("createdAt").as("created"), eb.fn.max("updatedAt").as("at")])
          .executeTakeFirst(),
        db
          .selectFrom("commitments")
          .select((eb) => eb.fn.max("createdAt").as("at"))
          .executeTakeFirst(),
        db
          .selectFrom("commitmentUpdates")
          .select((eb) => eb.fn.max("createdAt").as("at"))
          .executeTakeFirst(),
        db
          .selectFrom("minutes")
          .select((eb) => eb.fn.max("updatedAt").as("at"))
          .executeTakeFirst(),
      ]);
      return { rows, updatedAt: latest(m?.created, m?.at, c?.at, u?.at, minutes?.at) };
    }
    case "projects": {
      const shown = db.selectFrom("projects").where("status", "!=", "draft");
      const [rows, last] = await Promise.all([
        countOf(shown),
        shown.select((eb) => eb.fn.max("updatedAt").as("at")).executeTakeFirst(),
      ]);
      return { rows, updatedAt: latest(last?.at) };
    }
    case "needs": {
      const [rows, last] = await Promise.all([
        countOf(db.selectFrom("needs")),
        db
          .selectFrom("needs")
          .select((eb) => eb.fn.max("updatedAt").as("at"))
          .executeTakeFirst(),
      ]);
      return { rows, updatedAt: latest(last?.at) };
    }
    case "rounds": {
      await tallyClosedRounds(now);
      const tallied = db.selectFrom("budgetRounds").where("talliedAt", "is not", null);
      const [rows, last] = await Promise.all([
        countOf(db.selectFrom("roundProjects").where("roundId", "in", tallied.select("id"))),
        tallied.select((eb) => eb.fn.max("talliedAt").as("at")).executeTakeFirst(),
      ]);
      return { rows, updatedAt: latest(last?.at) };
    }
    case "polls": {
      // Final polls only, by the paper box's own rule; their options are the rows.
      let rows = 0;
      let updatedAt: string | null = null;
      for await (const polls of finalPolls(now)) {
        if (polls.length === 0) continue;
        const ids = polls.map((p) => p.id);
        const [options, confirmed] = await Promise.all([
          countOf(db.selectFrom("pollOptions").where("pollId", "in", ids)),
          db
            .selectFrom("paperCounts")
            .select((eb) => eb.fn.max("confirmedAt").as("at"))
            .where("pollId", "in", ids)
            .executeTakeFirst(),
        ]);
        rows += options;
        updatedAt = latest(updatedAt, confirmed?.at, ...polls.map((p) => p.closesAt));
      }
      return { rows, updatedAt };
    }
  }
}

/** What the list page says of every dataset. */
export async function datasetSummaries(
  datasets: readonly DatasetId[],
  now = new Date(),
): Promise<Record<DatasetId, DatasetSummary>> {
  const entries = await Promise.all(
    datasets.map(async (d) => [d, await summaryOf(d, now)] as const),
  );
  return Object.fromEntries(entries) as Record<DatasetId, DatasetSummary>;
}

/**
 * The list page's summaries, kept a few seconds (PAGE_CACHE_MS) and shared by requests that come
 * together: counting the polls' rows asks each closed poll's paper box, which a crawler hitting the
 * page should not repeat for every request. No event drops them: a few seconds' lag in a count
 * is harmless, and dropping on every command would be a broadcast per command.
 */
export const shownSummaries = shownReads(
  "openData",
  (_all: "all") => datasetSummaries(DATASETS),
  () => null,
);
