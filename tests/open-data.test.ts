/**
 * Open data (issue 17, item 5): `/open-data` and its files over the demo city plus a few rows made
 * to be awkward (a title that is a spreadsheet formula, quotes and line breaks, a resident with a
 * name and phone that must never leak, a draft, an open poll, a superseded index snapshot). Each
 * dataset's rows and fields in both formats, keyset pages that add up to the whole, CSV quoting
 * and the formula guard, nothing personal in any file, an unknown dataset refused in the reader's
 * language. The same on PostgreSQL: `npm run test:pg -- tests/open-data.test.ts`.
 */
import { gzipSync } from "node:zlib";
import { createRequestHandler } from "@remix-run/node";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "../db/client.server";
import { seedDemoData } from "../db/seed";
import {
  CSV_BOM,
  DATASETS,
  FIELDS,
  LICENCE,
  type DatasetId,
  type Row,
} from "~/domain/open-data/datasets";
import * as root from "~/root";
import * as listRoute from "~/routes/open-data._index";
import * as fileRoute from "~/routes/open-data.$file";
import * as roundBallotsCsv from "~/routes/budgets.$id.ballots[.csv]";
import * as roundBallotsJson from "~/routes/budgets.$id.ballots[.json]";
import * as pollBallotsCsv from "~/routes/polls.$id.ballots[.csv]";
import * as pollBallotsJson from "~/routes/polls.$id.ballots[.json]";
import { run } from "~/services/runner/command.server";
import { votePoll } from "~/services/voting/ballots.server";
import { createPoll } from "~/services/voting/commands.server";
import { pollVotes } from "~/services/voting/records.server";
import { datasetRows, datasetSummaries } from "~/services/open-data/datasets.server";
import { DEFAULT_METHOD, methodNodes } from "~/domain/index/method";
import { MEETING_STATUSES } from "~/domain/meetings/rules";
import { NEED_CATEGORIES } from "~/domain/needs/categories";
import { NEED_STATUSES } from "~/domain/needs/machine";
import { PROJECT_STATUSES, SERVICE_AREAS } from "~/domain/projects/rules";
import { POLL_METHODS, TALLY_METHODS, YES_NO } from "~/domain/voting/rules";
import { routesBuild } from "./support/builds";
import {
  makeCommitteeMember,
  makeCommunity,
  makeResident,
  makeUser,
  pollInput,
  setVoteWindow,
} from "./support/factories";

const handler = createRequestHandler(
  routesBuild({
    root: ["", undefined, root],
    "routes/open-data._index": ["open-data", "root", listRoute],
    "routes/open-data.$file": ["open-data/:file", "root", fileRoute],
    "routes/budgets.$id.ballots[.csv]": ["budgets/:id/ballots.csv", "root", roundBallotsCsv],
    "routes/budgets.$id.ballots[.json]": ["budgets/:id/ballots.json", "root", roundBallotsJson],
    "routes/polls.$id.ballots[.csv]": ["polls/:id/ballots.csv", "root", pollBallotsCsv],
    "routes/polls.$id.ballots[.json]": ["polls/:id/ballots.json", "root", pollBallotsJson],
  }),
);

const get = (path: string, lng = "zh-CN", mode = "full") =>
  handler(
    new Request(`http://localhost${path}`, { headers: { Cookie: `lng=${lng}; mode=${mode}` } }),
  );

interface JsonFile {
  dataset: string;
  title: string;
  licence: typeof LICENCE & { text: string };
  fields: Array<{ name: string; type: string; description: string }>;
  generatedAt: string;
  rows: Row[];
}

async function jsonOf(dataset: DatasetId, lng = "zh-CN"): Promise<JsonFile> {
  const res = await get(`/open-data/${dataset}.json`, lng);
  expect(res.status, dataset).toBe(200);
  return (await res.json()) as JsonFile;
}

async function csvOf(dataset: DatasetId): Promise<string> {
  const res = await get(`/open-data/${dataset}.csv`);
  expect(res.status, dataset).toBe(200);
  // text() would drop the byte-order mark: read the bytes.
  return new TextDecoder("utf-8", { ignoreBOM: true }).decode(await res.arrayBuffer());
}

/** RFC 4180 records of a CSV text (without its BOM): quoted cells may hold commas, quotes, CRLF. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let cell = "";
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      record.push(cell);
      cell = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      record.push(cell);
      records.push(record);
      record = [];
      cell = "";
      i++;
    } else cell += c;
  }
  expect(cell, "the file ends with CRLF").toBe("");
  expect(record).toEqual([]);
  return records;
}

async function allRows(dataset: DatasetId, pageRows?: number): Promise<Row[]> {
  const out: Row[] = [];
  for await (const page of datasetRows(dataset, new Date(), pageRows)) out.push(...page);
  return out;
}

const FORMULA = '=HYPERLINK("http://evil.example","点我")';
const AWKWARD = '他说"好",\r\n明天再议';
const SECRET = { displayName: "欧阳秘密", username: "ouyang_secret_77", phone: "13912345678" };
let community: number;
let snapshot: number;
let finalPoll: number;
let openPoll: number;

beforeAll(async () => {
  const db = getDb();
  await seedDemoData(db);
  community = await makeCommunity("开放数据社区");
  const now = new Date().toISOString();
  // A resident whose name, login and phone must appear nowhere, proposing projects of their own.
  const proposer = await makeUser({ displayName: SECRET.displayName, username: SECRET.username });
  await db.updateTable("users").set({ phone: SECRET.phone }).where("id", "=", proposer).execute();
  const project = (title: string, status: "submitted" | "draft") => ({
    communityId: community,
    gridId: null,
    organisationId: null,
    proposerId: proposer,
    title,
    summary: `${SECRET.displayName} ${SECRET.phone}`,
    description: `联系 ${SECRET.displayName}，电话 ${SECRET.phone}`,
    category: "communityService" as const,
    beneficiaries: "居民",
    startsOn: "2027-01-01",
    endsOn: "2027-06-30",
    budgetTotal: 3000,
    status,
    statusReason: null,
    photo: null,
    createdAt: now,
    updatedAt: now,
    submittedAt: status === "draft" ? null : now,
  });
  await db
    .insertInto("projects")
    .values([
      project(FORMULA, "submitted"),
      project(AWKWARD, "submitted"),
      project("草稿：不公开的项目", "draft"),
    ])
    .execute();

  // A poll closed with its results final, an option that looks like a formula; and one still open.
  const committee = await makeCommitteeMember(community);
  const voters = await Promise.all([0, 1, 2].map(() => makeResident(community)));
  const poll = async () =>
    run(createPoll, committee, {
      ...pollInput({ option: ["-1 楼改停车", "+花园", "@健身角"] }),
      communityId: community,
      meetingId: null,
    });
  finalPoll = await poll();
  openPoll = await poll();
  const options = await db
    .selectFrom("pollOptions")
    .select("id")
    .where("pollId", "=", finalPoll)
    .orderBy("position")
    .execute();
  await run(votePoll, voters[0]!, { id: finalPoll, choice: [options[0]!.id] });
  await run(votePoll, voters[1]!, { id: finalPoll, choice: [options[0]!.id] });
  await run(votePoll, voters[2]!, { id: finalPoll, choice: [options[2]!.id] });
  await setVoteWindow("poll", finalPoll, -7_200_000, -3_600_000);

  // Index snapshots as the method helper's job writes them: one superseded by a correction.
  await db
    .insertInto("indexMethods")
    .values({ version: 1, tree: "{}", note: "", publishedAt: now, publishedBy: null })
    .onConflict((oc) => oc.column("version").doNothing())
    .execute();
  const snap = (reason: string | null) =>
    db
      .insertInto("indexSnapshots")
      .values({ month: "2020-01", methodVersion: 1, computedAt: now, computedBy: null, reason })
      .returning("id")
      .executeTakeFirstOrThrow();
  const old = await snap(null);
  await db
    .updateTable("indexSnapshots")
    .set({ supersededBy: -1 })
    .where("id", "=", old.id)
    .execute();
  snapshot = (await snap("更正")).id;
  await db
    .updateTable("indexSnapshots")
    .set({ supersededBy: snapshot })
    .where("id", "=", old.id)
    .execute();
  const score = (snapshotId: number, areaId: number | null, node: string, s: number | null) => ({
    snapshotId,
    areaId,
    node,
    score: s,
    value: node.startsWith("m:") ? 523 : null,
    numerator: node.startsWith("m:") ? 23 : null,
    denominator: node.startsWith("m:") ? 44 : null,
    residents: 44,
  });
  await db
    .insertInto("indexScores")
    .values([
      score(old.id, null, "total", 1000),
      score(snapshot, community, "total", 7345),
      score(snapshot, community, "m:participation", 5230),
      score(snapshot, community, "d:party", null),
      score(snapshot, null, "total", 6000),
      score(snapshot, null, "d:party", 5000),
    ])
    .execute();
}, 600_000);

describe("the datasets", () => {
  it.each(DATASETS)("%s: JSON holds its dataset, licence, fields, time and rows", async (d) => {
    const [zh, en] = [await jsonOf(d, "zh-CN"), await jsonOf(d, "en")];
    expect(zh.dataset).toBe(d);
    expect(zh.licence).toMatchObject({ id: "CC-BY-4.0", attribution: "六和议事 / Liuhe" });
    expect(zh.fields.map((f) => [f.name, f.type])).toEqual(FIELDS[d].map((f) => [f.name, f.type]));
    expect(Date.parse(zh.generatedAt)).not.toBeNaN();
    // Described in the reader's language, every field.
    for (const [i, f] of zh.fields.entries()) {
      expect(f.description, f.name).toMatch(/[\u4e00-\u9fff]/);
      expect(en.fields[i]!.description, f.name).not.toBe(f.description);
    }
    expect(en.licence.text).toMatch(/Creative Commons Attribution 4\.0/);
    expect(zh.licence.text).toMatch(/知识共享署名 4\.0/);
    // Every row has exactly the fields, in their order; and the rows are the same in both languages.
    for (const row of zh.rows) expect(Object.keys(row)).toEqual(FIELDS[d].map((f) => f.name));
    expect(en.rows).toEqual(zh.rows);
    expect(zh.rows).toEqual(await allRows(d));
  });

  it.each(DATASETS)(
    "%s: CSV has a BOM, its header, CRLF records, the same rows as JSON",
    async (d) => {
      const text = await csvOf(d);
      expect(text.startsWith(CSV_BOM)).toBe(true);
      const [header, ...records] = parseCsv(text.slice(1));
      expect(header).toEqual(FIELDS[d].map((f) => f.name));
      const rows = (await jsonOf(d)).rows;
      expect(records).toHaveLength(rows.length);
      for (const [i, row] of rows.entries()) {
        // Each cell as written: the text, or a formula-looking one behind an apostrophe.
        expect(records[i]).toEqual(
          FIELDS[d].map((f) => {
            const v = row[f.name] ?? null;
            if (v === null) return "";
            if (typeof v === "string" && /^[=+\-@\t\r]/.test(v)) return `'${v}`;
            return String(v);
          }),
        );
      }
    },
  );

  it.each(DATASETS)("%s: keyset pages of any size add up to the same rows", async (d) => {
    const whole = await allRows(d);
    expect(whole.length, d).toBeGreaterThan(3);
    // Pages of one row and of a few, at most about 200 pages (the index grows with the seed's year).
    const small = Math.max(1, Math.ceil(whole.length / 200));
    expect(await allRows(d, small)).toEqual(whole);
    expect(await allRows(d, small + 2)).toEqual(whole);
  });

  it("the list page counts each dataset's rows; the demo city and the rows made here fill them all", async () => {
    const summaries = await datasetSummaries(DATASETS);
    for (const d of DATASETS) {
      expect(summaries[d].rows, d).toBe((await allRows(d)).length);
      expect(summaries[d].rows, d).toBeGreaterThan(0);
      expect(summaries[d].updatedAt, d).toEqual(expect.any(String));
    }
  });
});

describe("what each dataset holds", () => {
  it("index: the current snapshot only, city first, scores and values as decimals", async () => {
    const rows = (await allRows("index")).filter((r) => r.month === "2020-01");
    expect(rows.every((r) => r.snapshotId === snapshot)).toBe(true);
    expect(rows.map((r) => [r.areaId, r.node, r.score, r.value])).toEqual([
      [null, "d:party", 50, null],
      [null, "total", 60, null],
      [community, "d:party", null, null],
      [community, "m:participation", 52.3, 0.523],
      [community, "total", 73.45, null],
    ]);
    expect(rows[0]).toMatchObject({
      areaLevel: "city",
      areaNameZh: "全市",
      areaNameEn: "Whole city",
    });
    expect(rows[3]).toMatchObject({
      areaLevel: "community",
      areaNameZh: "开放数据社区区",
      numerator: 23,
      denominator: 44,
      residents: 44,
      methodVersion: 1,
      month: "2020-01",
    });
  });

  it("projects: no drafts; a resident proposer is a kind, never a name", async () => {
    const rows = await allRows("projects");
    const drafts = await getDb()
      .selectFrom("projects")
      .select("id")
      .where("status", "=", "draft")
      .execute();
    expect(drafts.length).toBeGreaterThan(0);
    const ids = new Set(rows.map((r) => r.id));
    for (const d of drafts) expect(ids.has(d.id)).toBe(false);
    expect(rows.some((r) => r.status === "draft")).toBe(false);
    const mine = rows.filter((r) => r.communityId === community);
    expect(mine.map((r) => r.title).sort()).toEqual([FORMULA, AWKWARD].sort());
    for (const r of mine)
      expect(r).toMatchObject({ proposerKind: "resident", organisationName: null });
    const byOrg = rows.filter((r) => r.proposerKind === "organisation");
    expect(byOrg.length, "the demo city's organisations propose projects").toBeGreaterThan(0);
    for (const r of byOrg) expect(r.organisationName).toEqual(expect.any(String));
  });

  it("polls: closed with final results, one row per option with its votes; open polls absent", async () => {
    const rows = await allRows("polls");
    expect(rows.some((r) => r.pollId === openPoll)).toBe(false);
    const mine = rows.filter((r) => r.pollId === finalPoll);
    expect(mine.map((r) => [r.optionLabel, r.votes, r.ballots])).toEqual([
      ["-1 楼改停车", 2, 3],
      ["+花园", 0, 3],
      ["@健身角", 1, 3],
    ]);
    expect(mine[0]!.ballotsCsv).toBe(`/polls/${finalPoll}/ballots.csv`);
    for (const link of new Set(rows.flatMap((r) => [r.ballotsCsv, r.ballotsJson]))) {
      expect((await get(link as string)).status, String(link)).toBe(200);
    }
    // Every poll's counts are the poll page's own count (pollVotes).
    for (const r of rows) {
      const votes = await pollVotes(getDb(), r.pollId as number);
      expect(r.votes).toBe(votes.get(r.optionId as number) ?? 0);
    }
  });

  it("rounds: counted rounds, a row per project, links to the published ballots", async () => {
    const rows = await allRows("rounds");
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.talliedAt).toEqual(expect.any(String));
      expect(r.pabulib).toBe(`/budgets/${r.roundId}/round.pb`);
      expect(typeof r.selected).toBe("boolean");
    }
    // The published ballots the rows link to answer, and they hold the approvals the rows say.
    for (const roundId of new Set(rows.map((r) => r.roundId as number))) {
      const mine = rows.filter((r) => r.roundId === roundId);
      expect((await get(mine[0]!.ballotsCsv as string)).status).toBe(200);
      const res = await get(mine[0]!.ballotsJson as string);
      expect(res.status).toBe(200);
      const { ballots } = (await res.json()) as { ballots: Array<{ choices: number[] }> };
      for (const r of mine) {
        expect(r.ballots).toBe(ballots.length);
        const approvals = ballots.filter((b) => b.choices.includes(r.projectId as number));
        expect(r.approvals, `round ${roundId}, project ${r.projectId}`).toBe(approvals.length);
      }
    }
  });

  it("needs: place, words, photos and people are never in it", async () => {
    const rows = await allRows("needs");
    expect(rows.length).toBeGreaterThan(0);
    const texts = await getDb().selectFrom("needs").select(["description", "place"]).execute();
    const file = await csvOf("needs");
    for (const t of texts) {
      expect(file).not.toContain(t.description);
      if (t.place.length > 3) expect(file).not.toContain(t.place);
    }
  });

  it("meetings: every meeting, with its commitments counted", async () => {
    const rows = await allRows("meetings");
    const { n } = await getDb()
      .selectFrom("meetings")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(rows).toHaveLength(Number(n));
    const commitments = await getDb()
      .selectFrom("commitments")
      .select(["meetingId", "status"])
      .execute();
    for (const r of rows) {
      const of = commitments.filter((c) => c.meetingId === r.id);
      expect(r.commitments).toBe(of.length);
      expect(r.commitmentsDone).toBe(of.filter((c) => c.status === "done").length);
      expect(r.minutesPublished).toBe(r.status === "published");
    }
    expect(rows.some((r) => (r.commitments as number) > 0)).toBe(true);
  });
});

describe("CSV cells", () => {
  it("the projects file carries the formula defused and the awkward title whole", async () => {
    const text = await csvOf("projects");
    expect(text).toContain('"\'=HYPERLINK(""http://evil.example"",""点我"")"');
    expect(text).not.toMatch(/(^|,)=HYPERLINK/m);
    expect(text).toContain('"他说""好"",\r\n明天再议"');
    const records = parseCsv(text.slice(1));
    const titles = records.map((r) => r[FIELDS.projects.findIndex((f) => f.name === "title")]);
    expect(titles).toContain(`'${FORMULA}`);
    expect(titles).toContain(AWKWARD);
  });
});

/**
 * Columns that hold a code from a fixed list (a status, a kind): checked to hold only such codes,
 * and left out of the scan for people's names, where a login such as "resident" would match them.
 */
const CODES: Partial<Record<string, readonly string[]>> = {
  proposerKind: ["resident", "organisation"],
  areaLevel: ["city", "district", "street", "community"],
  status: [...MEETING_STATUSES, ...PROJECT_STATUSES, ...NEED_STATUSES],
  category: [...SERVICE_AREAS, ...NEED_CATEGORIES],
  method: [...POLL_METHODS, ...TALLY_METHODS],
  optionCode: YES_NO,
  // The index's nodes are the method's own ids ("i:residentVoice"), not anyone's words.
  node: methodNodes(DEFAULT_METHOD),
};

describe("nothing personal", () => {
  it("no user's name, login or phone is in any dataset's rows, in either format", async () => {
    const users = await getDb()
      .selectFrom("users")
      .select(["displayName", "username", "phone"])
      .execute();
    expect(users.length).toBeGreaterThan(20);
    const secrets = users
      .flatMap((u) => [u.displayName, u.username, u.phone])
      .filter((s): s is string => s !== null && s.length >= 2);
    expect(secrets).toContain(SECRET.displayName);
    expect(secrets).toContain(SECRET.phone);
    for (const d of DATASETS) {
      const scanned = (rows: Row[]) =>
        rows.map((row) => {
          const rest = { ...row };
          for (const [field, codes] of Object.entries(CODES)) {
            if (!(field in row)) continue;
            if (row[field] !== null) expect(codes, `${d}.${field}`).toContain(row[field]);
            delete rest[field];
          }
          // The values: the names of the fields ("residents") are no one's.
          return Object.values(rest);
        });
      const codeColumns = FIELDS[d].map((f, i) => (f.name in CODES ? i : -1)).filter((i) => i >= 0);
      const csvRows = parseCsv((await csvOf(d)).slice(1))
        .slice(1)
        .map((r) => r.filter((_c, i) => !codeColumns.includes(i)));
      const files = [csvRows.flat().join("\n"), JSON.stringify(scanned((await jsonOf(d)).rows))];
      for (const file of files) {
        const found = secrets.filter((s) => file.includes(s));
        expect(found, `${d} holds ${found.join(", ")}`).toEqual([]);
      }
    }
  });
});

describe("the files over HTTP", () => {
  it("say what they are: type, attachment name, cache", async () => {
    const csv = await get("/open-data/meetings.csv");
    expect(csv.headers.get("Content-Type")).toMatch(/^text\/csv; charset=utf-8/);
    expect(csv.headers.get("Content-Disposition")).toMatch(
      /^attachment; filename="liuhe-meetings-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    expect(csv.headers.get("Cache-Control")).toBe("public, max-age=300");
    const json = await get("/open-data/meetings.json");
    expect(json.headers.get("Content-Type")).toBe("application/json; charset=utf-8");
    expect(json.headers.get("Vary")).toMatch(/Accept-Language/);
  });

  it.each([
    ["zh-CN", "没有这个开放数据文件"],
    ["en", "There is no such open data file"],
  ])("an unknown dataset is a 404 in %s, as text and as JSON", async (lng, words) => {
    for (const path of ["/open-data/users.csv", "/open-data/needs.xml", "/open-data/needs"]) {
      const res = await get(path, lng);
      expect(res.status, path).toBe(404);
      expect(res.headers.get("Content-Type")).toMatch(/^text\/plain/);
      expect(await res.text()).toContain(words);
    }
    const res = await get("/open-data/users.json", lng);
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { key: string }; message: string };
    expect(body.error.key).toBe("openData:errors.unknownDataset");
    expect(body.message).toContain(words);
  });
});

describe("the list page", () => {
  it.each(["zh-CN", "en"])(
    "in %s: every dataset, its fields, licence, rows and files",
    async (lng) => {
      const res = await get("/open-data", lng);
      expect(res.status).toBe(200);
      const html = await res.text();
      const summaries = await datasetSummaries(DATASETS);
      for (const d of DATASETS) {
        expect(html).toContain(`href="/open-data/${d}.csv"`);
        expect(html).toContain(`href="/open-data/${d}.json"`);
        expect(html).toContain(`<dd>${summaries[d].rows}</dd>`);
        for (const f of FIELDS[d]) expect(html).toContain(`<code>${f.name}</code>`);
      }
      expect(html).toContain(LICENCE.url);
      expect(html).toContain("六和议事 / Liuhe");
      expect(html).toContain(lng === "en" ? "What it holds" : "含义");
    },
  );

  it("in 长辈版: the datasets and their links only, no tables, no script", async () => {
    const res = await get("/open-data", "zh-CN", "lite");
    const html = await res.text();
    for (const d of DATASETS) expect(html).toContain(`href="/open-data/${d}.csv"`);
    expect(html).not.toContain("<table");
    expect(html).not.toContain("<script");
    // The tiny-page budget of 长辈版: 14 KB compressed for the first response.
    expect(gzipSync(html).length).toBeLessThan(14 * 1024);
  });
});

describe("a download left half way", () => {
  it("stops reading the dataset and writes no error", async () => {
    const errors: unknown[] = [];
    const spy = vi.spyOn(console, "error").mockImplementation((...args) => void errors.push(args));
    try {
      const res = await get("/open-data/projects.csv");
      const reader = res.body!.getReader();
      await reader.read();
      await reader.cancel();
      // The next download is whole.
      expect((await jsonOf("projects")).rows).toEqual(await allRows("projects"));
    } finally {
      spy.mockRestore();
    }
    expect(errors).toEqual([]);
  });
});
