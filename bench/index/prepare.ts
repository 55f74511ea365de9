/**
 * Prepares the 六和指数 benchmark's database: a synthetic city of COMMUNITIES communities (ten to a
 * street, ten streets to a district) with RESIDENTS verified residents spread evenly over them,
 * and one China month (MONTH) of their activity inserted directly in bulk — a fixture, as
 * bench/needs/prepare.ts does, not the commands: no audit rows, no notices, no search rows.
 *
 * Per community and month (the fixed generator below makes the same rows every run): 3 meetings
 * with about 20 RSVPs and 30 room messages each and 2 commitments each, 2 polls and a budget round
 * with about a tenth of the residents voting (a tenth of them on paper at the window), 5 projects
 * with supports, comments, ratings and their submit/complete events, 2 organisations, 20 needs
 * with their residents, timelines and answers, 10 membership requests, 20 window sittings. At
 * 1,000 communities that is about 0.8 million rows of activity besides the million residents and
 * their memberships (2.8 million rows in all).
 *
 *   tsx bench/index/prepare.ts TARGET MONTH COMMUNITIES RESIDENTS
 * TARGET is a SQLite file or a postgres:// URL of an empty database.
 */
import { sql, type Insertable } from "kysely";
import { openDatabase } from "../../db/client.server";
import { migrateToLatest } from "../../db/migrator";
import type { Database } from "../../db/schema";
import { monthBounds } from "../../app/domain/month";

const [target, month, communitiesArg, residentsArg] = process.argv.slice(2);
if (!target || !month) throw new Error("usage: prepare.ts TARGET MONTH COMMUNITIES RESIDENTS");
const COMMUNITIES = Number(communitiesArg ?? 1000);
const RESIDENTS = Number(residentsArg ?? 1_000_000);
const PER = Math.floor(RESIDENTS / COMMUNITIES);

const db = openDatabase(target);
await migrateToLatest(db);

let seed = 20261217;
const rand = () => {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  return seed / 2 ** 32;
};
const int = (n: number) => Math.floor(rand() * n);
const { from, to } = monthBounds(month);
const START = Date.parse(from);
const SPAN = Date.parse(to) - START;
/** An instant in the month. */
const inMonth = () => new Date(START + int(SPAN)).toISOString();
const after = (at: string, days: number) =>
  new Date(Math.min(Date.parse(at) + days * 86_400_000, START + SPAN - 1)).toISOString();
const LONG_AGO = new Date(START - 200 * 86_400_000).toISOString();

const CHUNK = 400;
let rows = 0;
/** Inserts rows in chunks inside one transaction; returns the new ids when the table has them. */
async function bulk<T extends keyof Database>(
  table: T,
  values: Array<Insertable<Database[T]>>,
  ids = false,
): Promise<number[]> {
  const out: number[] = [];
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < values.length; i += CHUNK) {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- one helper for every table
      const q = trx.insertInto(table).values(values.slice(i, i + CHUNK) as any);
      if (ids) {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const got = (await (q as any).returning("id").execute()) as Array<{ id: number }>;
        for (const r of got) out.push(r.id);
      } else await q.execute();
    }
  });
  rows += values.length;
  return out;
}

/** `count` users numbered from `first`: `${username}${n}`, shown as `${displayName}${n}`; their ids. */
const users = (first: number, count: number, username: string, displayName: string) =>
  bulk(
    "users",
    Array.from({ length: count }, (_, i) => ({
      displayName: `${displayName}${first + i}`,
      username: `${username}${first + i}`,
      phone: null,
      passwordHash: "x",
      consentVersion: "bench",
      consentedAt: LONG_AGO,
      createdAt: LONG_AGO,
    })),
    true,
  );

const started = performance.now();
// ------------------------------------------------------------------ areas
/** How each level's areas are coded and named: bd0, 区0, District 0; bs0, 街道0, Street 0; … */
const LEVELS = {
  district: ["bd", "区", "District"],
  street: ["bs", "街道", "Street"],
  community: ["bc", "社区", "Community"],
  grid: ["bg", "网格", "Grid"],
} as const;
/** Areas of one level, one under each of `parents` (null: none); their ids. */
function areas(level: keyof typeof LEVELS, parents: Array<number | null>) {
  const [code, nameZh, nameEn] = LEVELS[level];
  return bulk(
    "areas",
    parents.map((parentId, i) => ({
      parentId,
      level,
      code: `${code}${i}`,
      nameZh: `${nameZh}${i}`,
      nameEn: `${nameEn} ${i}`,
    })),
    true,
  );
}
/** The parents of `count` areas: ten to each of `parents` in turn. */
const tenEach = (parents: number[], count: number) =>
  Array.from({ length: count }, (_, i) => parents[Math.floor(i / 10)]!);
const districts = await areas(
  "district",
  Array.from({ length: Math.ceil(COMMUNITIES / 100) }, () => null),
);
const streets = await areas("street", tenEach(districts, Math.ceil(COMMUNITIES / 10)));
const communities = await areas("community", tenEach(streets, COMMUNITIES));
const grids = await areas("grid", communities);

// ------------------------------------------------------------------ residents (community-major)
const residents: number[] = [];
for (let start = 0; start < PER * COMMUNITIES; start += 50_000) {
  const n = Math.min(50_000, PER * COMMUNITIES - start);
  const ids = await users(start, n, "b", "居民");
  await bulk(
    "memberships",
    ids.map((userId, i) => ({
      userId,
      communityId: communities[Math.floor((start + i) / PER)]!,
      status: "verified" as const,
      requestedAt: LONG_AGO,
      decidedAt: LONG_AGO,
    })),
  );
  residents.push(...ids);
}
/** A resident of community k, chosen at random. */
const residentOf = (k: number) => residents[k * PER + int(PER)]!;
/** `count` distinct residents of community k. */
const someOf = (k: number, count: number) => {
  const first = int(PER);
  return Array.from(
    { length: Math.min(count, PER) },
    (_, j) => residents[k * PER + ((first + j) % PER)]!,
  );
};

// Membership requests whose three days run out in the month (other people, not residents).
const askers = await users(0, COMMUNITIES * 10, "ba", "申请人");
await bulk(
  "memberships",
  askers.map((userId, i) => {
    const requestedAt = new Date(START - 3 * 86_400_000 + int(SPAN)).toISOString();
    const decided = rand() < 0.85;
    return {
      userId,
      communityId: communities[Math.floor(i / 10)]!,
      status: decided ? ("declined" as const) : ("pending" as const),
      requestedAt,
      decidedAt: decided ? after(requestedAt, rand() * 5) : null,
    };
  }),
);

// ------------------------------------------------------------------ councils, meetings
const councils = await bulk(
  "councils",
  communities.map((c) => ({
    areaId: c,
    name: "圆桌会",
    purpose: "议事",
    createdBy: null,
    createdAt: LONG_AGO,
    updatedAt: LONG_AGO,
  })),
  true,
);
const meetingOf: number[] = [];
const meetingRows = communities.flatMap((_, k) =>
  Array.from({ length: 3 }, () => {
    meetingOf.push(k);
    const startsAt = inMonth();
    const r = rand();
    return {
      councilId: councils[k]!,
      topic: "议题",
      description: "",
      startsAt,
      endsAt: after(startsAt, 0.1),
      place: "议事厅",
      status: r < 0.05 ? ("scheduled" as const) : ("closed" as const),
      createdBy: null,
      createdAt: LONG_AGO,
      currentAgendaItemId: null,
      floorUserId: null,
      floorUntil: null,
      cancelledAt: r > 0.95 ? startsAt : null,
    };
  }),
);
const meetings = await bulk("meetings", meetingRows, true);
await bulk(
  "rsvps",
  meetings.flatMap((m, i) =>
    someOf(meetingOf[i]!, 15 + int(10)).map((userId) => ({
      meetingId: m,
      userId,
      kind: rand() < 0.1 ? ("expert" as const) : ("resident" as const),
      createdAt: inMonth(),
    })),
  ),
);
await bulk(
  "roomMessages",
  meetings.flatMap((m, i) =>
    Array.from({ length: 30 }, () => ({
      meetingId: m,
      userId: residentOf(meetingOf[i]!),
      body: "同意",
      agendaItemId: null,
      createdAt: inMonth(),
      hiddenAt: null,
      hiddenBy: null,
      hiddenReason: null,
      pinnedAt: null,
    })),
  ),
);
const day = (at: string) => new Date(Date.parse(at) + 8 * 3_600_000).toISOString().slice(0, 10);
const commitmentRows = meetings.flatMap((m) =>
  Array.from({ length: 2 }, () => ({
    meetingId: m,
    agendaItemId: null,
    what: "承诺",
    ownerKind: "department" as const,
    ownerName: "物业",
    ownerUserId: null,
    dueDate: day(inMonth()),
    status: rand() < 0.7 ? ("done" as const) : ("open" as const),
    createdBy: null,
    createdAt: LONG_AGO,
  })),
);
const commitments = await bulk("commitments", commitmentRows, true);
await bulk(
  "commitmentUpdates",
  commitments.flatMap((id, i) =>
    commitmentRows[i]!.status === "done"
      ? [
          {
            commitmentId: id,
            status: "done" as const,
            note: "",
            createdBy: null,
            createdAt: inMonth(),
          },
        ]
      : [],
  ),
);

// ------------------------------------------------------------------ votes
const polls = await bulk(
  "polls",
  communities.flatMap((c) =>
    Array.from({ length: 2 }, () => ({
      communityId: c,
      meetingId: null,
      question: "投票",
      method: "single" as const,
      electorate: "residents" as const,
      results: "afterClose" as const,
      opensAt: LONG_AGO,
      closesAt: inMonth(),
      createdBy: null,
      createdAt: LONG_AGO,
      cancelledAt: null,
      cancelReason: null,
      ballotsDiscarded: null,
    })),
  ),
  true,
);
const rounds = await bulk(
  "budgetRounds",
  communities.map((c) => ({
    communityId: c,
    title: "预算轮",
    budget: 100000,
    method: "greedy" as const,
    maxProjects: null,
    opensAt: LONG_AGO,
    closesAt: inMonth(),
    talliedAt: null,
    spent: null,
    createdBy: null,
    createdAt: LONG_AGO,
    cancelledAt: null,
    cancelReason: null,
    ballotsDiscarded: null,
  })),
  true,
);
const voters = Math.max(1, Math.floor(PER / 10));
const subjects = [
  ...polls.map((id, i) => ({ pollId: id, roundId: null, k: Math.floor(i / 2) })),
  ...rounds.map((id, k) => ({ pollId: null, roundId: id, k })),
];
for (let s = 0; s < subjects.length; s += 200) {
  await bulk(
    "participations",
    subjects.slice(s, s + 200).flatMap(({ pollId, roundId, k }) =>
      someOf(k, voters).map((userId) => {
        const paper = rand() < 0.1;
        return {
          pollId,
          roundId,
          userId,
          channel: paper ? ("paper" as const) : ("online" as const),
          boxed: paper ? 1 : 0,
          enteredBy: null,
          confirmedBy: null,
          confirmedAt: null,
          at: inMonth(),
        };
      }),
    ),
  );
}
await bulk(
  "paperCounts",
  subjects
    .filter(() => rand() < 0.8)
    .map(({ pollId, roundId }) => ({
      pollId,
      roundId,
      submittedBy: null,
      submittedAt: to,
      confirmedBy: null,
      confirmedAt: to,
      createdAt: to,
    })),
);

// ------------------------------------------------------------------ organisations, projects
const organisations = await bulk(
  "organisations",
  Array.from({ length: COMMUNITIES * 2 }, (_, i) => ({
    name: `组织${i}`,
    tier: "registered" as const,
    registrationNumber: null,
    description: "社会组织",
    contact: null,
    status: rand() < 0.9 ? ("verified" as const) : ("pending" as const),
    decidedBy: null,
    decidedAt: LONG_AGO,
    decisionReason: null,
    createdBy: null,
    createdAt: LONG_AGO,
    updatedAt: LONG_AGO,
  })),
  true,
);
await bulk(
  "organisationCommunities",
  organisations.flatMap((id, i) => {
    const k = Math.floor(i / 2);
    const extra = (k + 1 + int(9)) % COMMUNITIES;
    return [
      { organisationId: id, communityId: communities[k]! },
      ...(extra !== k ? [{ organisationId: id, communityId: communities[extra]! }] : []),
    ];
  }),
);
const projectOf: number[] = [];
const projects = await bulk(
  "projects",
  communities.flatMap((c, k) =>
    Array.from({ length: 5 }, () => {
      projectOf.push(k);
      return {
        communityId: c,
        gridId: null,
        organisationId: rand() < 0.3 ? organisations[k * 2]! : null,
        proposerId: residentOf(k),
        title: "微实事",
        summary: "",
        description: "",
        category: "communityService" as const,
        beneficiaries: "居民",
        startsOn: "2026-01-01",
        endsOn: "2026-12-31",
        budgetTotal: 1000,
        status: "completed" as const,
        statusReason: null,
        photo: null,
        createdAt: LONG_AGO,
        updatedAt: LONG_AGO,
        submittedAt: LONG_AGO,
      };
    }),
  ),
  true,
);
await bulk(
  "projectEvents",
  projects.flatMap((p, i) => {
    const submitted = inMonth();
    return [
      {
        projectId: p,
        step: "submit",
        fromStatus: "draft" as const,
        toStatus: "submitted" as const,
        actorId: residentOf(projectOf[i]!),
        reason: null,
        at: submitted,
      },
      ...(rand() < 0.4
        ? [
            {
              projectId: p,
              step: "complete",
              fromStatus: "inProgress" as const,
              toStatus: "completed" as const,
              actorId: null,
              reason: null,
              at: inMonth(),
            },
          ]
        : []),
    ];
  }),
);
await bulk(
  "projectSupports",
  projects.flatMap((p, i) =>
    someOf(projectOf[i]!, 20).map((userId) => ({ projectId: p, userId, at: inMonth() })),
  ),
);
await bulk(
  "projectComments",
  projects.flatMap((p, i) =>
    Array.from({ length: 5 }, () => ({
      projectId: p,
      parentId: null,
      authorId: residentOf(projectOf[i]!),
      body: "好",
      createdAt: inMonth(),
      hiddenAt: null,
      hiddenBy: null,
      hiddenReason: null,
      reviewedAt: null,
    })),
  ),
);
await bulk(
  "projectRatings",
  projects.flatMap((p, i) =>
    someOf(projectOf[i]!, 2).map((userId) => ({
      projectId: p,
      userId,
      score: 1 + int(5),
      at: inMonth(),
    })),
  ),
);

// ------------------------------------------------------------------ needs
const needOf: number[] = [];
const needRows = communities.flatMap((c, k) =>
  Array.from({ length: 20 }, () => {
    needOf.push(k);
    const createdAt = inMonth();
    const closed = rand() < 0.6;
    return {
      streetId: streets[Math.floor(k / 10)]!,
      communityId: c,
      gridId: grids[k]!,
      category: "environmentSanitation" as const,
      description: "路灯坏了",
      photo: null,
      isPublic: 1,
      reporterId: residentOf(k),
      channel: rand() < 0.2 ? "window" : "web",
      channelRef: null,
      status: closed ? ("closed" as const) : ("accepted" as const),
      unitId: null,
      deadlineAt: null,
      rehandled: rand() < 0.1 ? 1 : 0,
      checkedAt: null,
      closedAt: closed ? after(createdAt, rand() * 20) : null,
      answer: null,
      mergedInto: null,
      statusNote: null,
      mediaUrl: null,
      createdAt,
      updatedAt: createdAt,
    };
  }),
);
const needs = await bulk("needs", needRows, true);
await bulk(
  "needResidents",
  needs.flatMap((id, i) => {
    const n = needRows[i]!;
    const answer = () =>
      n.status === "closed"
        ? (["satisfied" as const, "partly" as const, "notSatisfied" as const][int(3)] ?? null)
        : null;
    const metoo = residentOf(needOf[i]!);
    return [
      {
        needId: id,
        userId: n.reporterId,
        kind: "reporter" as const,
        joinedAt: n.createdAt,
        answer: answer(),
        answeredAt: n.closedAt,
      },
      ...(metoo !== n.reporterId
        ? [
            {
              needId: id,
              userId: metoo,
              kind: "meToo" as const,
              joinedAt: after(n.createdAt, 1),
              answer: answer(),
              answeredAt: n.closedAt,
            },
          ]
        : []),
    ];
  }),
);
const step = (
  needId: number,
  s: string,
  at: string,
  toStatus: string,
  deadlineAt: string | null = null,
) => ({
  needId,
  step: s as "accept",
  role: "gridWorker" as const,
  actorId: null,
  assistedBy: null,
  fromStatus: null,
  toStatus: toStatus as "accepted",
  unitId: null,
  deadlineAt,
  note: null,
  photo: null,
  at,
});
await bulk(
  "needSteps",
  needs.flatMap((id, i) => {
    const n = needRows[i]!;
    const accepted = after(n.createdAt, 0.5);
    return [
      step(id, "report", n.createdAt, "reported"),
      step(id, "accept", accepted, "accepted"),
      ...(n.closedAt
        ? [
            step(id, "dispatch", after(accepted, 0.5), "dispatched", after(accepted, 5)),
            step(id, "resolve", after(accepted, rand() * 8), "resolved"),
          ]
        : []),
    ];
  }),
);

// ------------------------------------------------------------------ the service window
const sittings = await bulk(
  "assistanceSittings",
  communities.flatMap((c, k) =>
    Array.from({ length: 20 }, () => {
      const at = inMonth();
      return {
        helperId: residentOf(k),
        residentId: residentOf(k),
        communityId: c,
        consent: "signed" as const,
        sessionId: "bench",
        startedAt: at,
        endsAt: at,
        endedAt: at,
      };
    }),
  ),
  true,
);
await bulk(
  "assistedActions",
  sittings.map((sittingId, i) => ({
    sittingId,
    action: "project.support",
    subjectType: "project",
    subjectId: projects[Math.floor(i / 20) * 5]!,
    at: inMonth(),
  })),
);

// A running PostgreSQL's autovacuum gathers the tables' statistics after a bulk load like this
// one; without them the planner guesses (measured: 40 times slower on a small city). Gather them
// now, as it would, rather than time the guess.
if (target.startsWith("postgres")) await sql`analyze`.execute(db);
await db.destroy();
console.log(
  JSON.stringify({
    communities: COMMUNITIES,
    residents: PER * COMMUNITIES,
    rows,
    insertSeconds: Math.round((performance.now() - started) / 100) / 10,
  }),
);
