/**
 * Full-text search against the real FTS5 tables of a freshly migrated database: the segmenter's
 * cuts must not hide Chinese substrings, English must prefix-match, and no query may throw.
 */
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db/client.server";
import { isPostgres } from "../db/portable";
import { documentVector, matchExpression } from "~/domain/search/segment";
import {
  matchingIds,
  rankExpression,
  reindex,
  reindexMissing,
  unindex,
  type SearchKind,
} from "~/services/search.server";

/** Ids of the indexed rows of `kind` that `query` finds, ascending. */
async function search(kind: SearchKind, query: string): Promise<number[]> {
  const expression = matchExpression(query);
  if (expression === null) return [];
  const table = kind === "project" ? "projectsFts" : "organisationsFts";
  const rows = await getDb()
    .selectFrom(table)
    .select("rowid")
    .where("rowid", "in", matchingIds(kind, expression))
    .orderBy("rowid")
    .execute();
  return rows.map((r) => r.rowid);
}

const projects: Record<number, string[]> = {
  1: ["社区养老服务站", "为长辈提供午餐和陪伴"],
  2: ["居家养老", "上门探访独居老人"],
  3: ["养老院志愿者", "周末陪伴"],
  4: ["老年食堂", "每天供应午餐"],
  5: ["为老旧小区加装电梯", "三个单元的楼道改造"],
  6: ["Elevators for old blocks", "Lifts in three stairwells"],
  7: ["Garden on the roof", "Vegetables and flowers"],
};

beforeAll(async () => {
  const db = getDb();
  for (const [id, texts] of Object.entries(projects)) {
    await reindex(db, "project", Number(id), texts);
  }
});

describe("search: Chinese", () => {
  it("finds 养老 however the segmenter cut the text, and not texts without it", async () => {
    // 养老院 is cut 养老|院; 老年食堂 has 老 but not 养老.
    expect(await search("project", "养老")).toEqual([1, 2, 3]);
  });

  it("finds 加装 although the segmenter cut it into 加|装, and finds 电梯", async () => {
    expect(await search("project", "加装")).toEqual([5]);
    expect(await search("project", "电梯")).toEqual([5]);
    expect(await search("project", "老旧小区加装电梯")).toEqual([5]);
  });

  it("treats a CJK query as a phrase: the characters must stand together", async () => {
    // 老 and 区 both occur in project 5, but not side by side.
    expect(await search("project", "老区")).toEqual([]);
  });

  it("searches the second text too", async () => {
    expect(await search("project", "午餐")).toEqual([1, 4]);
  });
});

describe("search: several words in one Chinese query", () => {
  it("finds a text whose words have other words between them, in any order", async () => {
    const db = getDb();
    await reindex(db, "project", 50, ["老旧小区改造", "外墙翻新"]);
    await reindex(db, "project", 51, ["电梯维保", "老旧设备更换"]);
    // 5 is 为老旧小区加装电梯: 加装 stands between 老旧小区 and 电梯.
    expect(await search("project", "老旧小区电梯")).toEqual([5]);
    expect(await search("project", "电梯老旧小区")).toEqual([5]);
    expect(await search("project", "小区电梯")).toEqual([5]);
    // Every word is required: 50 lacks 电梯, 51 lacks 小区.
    expect(await search("project", "老旧小区")).toEqual([5, 50]);
    expect(await search("project", "老旧电梯")).toEqual([5, 51]);
  });

  it("finds the words in different texts of one row, like separate query terms", async () => {
    await reindex(getDb(), "project", 52, ["小区电梯", "老旧楼道"]);
    expect(await search("project", "老旧小区电梯")).toEqual([5, 52]);
    await unindex(getDb(), "project", 52);
  });
});

describe("search: diacritics", () => {
  it("finds café by cafe and the other way round, on both engines", async () => {
    await reindex(getDb(), "project", 53, ["Café on the corner"]);
    await reindex(getDb(), "project", 54, ["cafe\u0301 crème"]);
    expect(await search("project", "cafe")).toEqual([53, 54]);
    expect(await search("project", "CAFÉ")).toEqual([53, 54]);
    expect(await search("project", "creme")).toEqual([54]);
  });
});

describe("search: English and numbers", () => {
  it("prefix-matches, ignoring case", async () => {
    expect(await search("project", "elevator")).toEqual([6]);
    expect(await search("project", "ELEVATORS")).toEqual([6]);
    expect(await search("project", "ｅｌｅｖａｔｏｒ")).toEqual([6]);
    expect(await search("project", "elevatorz")).toEqual([]);
  });

  it("requires every word of the query", async () => {
    expect(await search("project", "elevator stairwells")).toEqual([6]);
    expect(await search("project", "elevator garden")).toEqual([]);
    expect(await search("project", "养老 午餐")).toEqual([1]);
    expect(await search("project", "养老 garden")).toEqual([]);
  });
});

describe("search: hostile queries", () => {
  const nasty = [
    '"',
    'a" OR "b',
    "*",
    "NEAR(",
    "NEAR(elevator old, 2)",
    "-",
    "-elevator",
    "^x",
    "col:x",
    "chars:养老",
    "words : elevator",
    "elevator AND NOT garden",
    "(养老) OR {电梯}",
    "😀养老😀",
    "ＡＢＣ",
    '养"老',
    "'; drop table projects_fts; --",
    "\u0000",
    "x".repeat(5000),
    "养老 ".repeat(500),
  ];

  it.each(nasty)("never throws for %j", async (q) => {
    await expect(search("project", q)).resolves.toBeInstanceOf(Array);
  });

  it("searches operator words as plain words", async () => {
    // Were AND/NOT operators here, this would find project 6; as words, nothing has "and"/"not".
    expect(await search("project", "elevator AND NOT garden")).toEqual([]);
    expect(await search("project", "-elevator")).toEqual([6]);
    expect(await search("project", "words : elevator")).toEqual([]);
    expect(await search("project", "(养老) OR {电梯}")).toEqual([]);
  });
});

describe("reindex and unindex", () => {
  it("replaces the old text, keeping one row", async () => {
    const db = getDb();
    await reindex(db, "project", 20, ["旧标题 tulip"]);
    expect(await search("project", "tulip")).toEqual([20]);
    await reindex(db, "project", 20, ["新名称 library"]);
    expect(await search("project", "tulip")).toEqual([]);
    expect(await search("project", "旧标题")).toEqual([]);
    expect(await search("project", "library")).toEqual([20]);
    expect(await search("project", "新名称")).toEqual([20]);
    const { n } = await db
      .selectFrom("projectsFts")
      .select(db.fn.countAll<number>().as("n"))
      .where("rowid", "=", 20)
      .executeTakeFirstOrThrow();
    expect(n).toBe(1);
  });

  it("removes a row with unindex", async () => {
    await reindex(getDb(), "project", 21, ["Bicycle shed"]);
    expect(await search("project", "bicycle")).toEqual([21]);
    await unindex(getDb(), "project", 21);
    expect(await search("project", "bicycle")).toEqual([]);
  });

  it("writes inside the caller's transaction, so a rollback leaves no index row", async () => {
    await expect(
      getDb()
        .transaction()
        .execute(async (trx) => {
          await reindex(trx, "project", 22, ["Rollback pavilion"]);
          throw new Error("abort");
        }),
    ).rejects.toThrow("abort");
    expect(await search("project", "pavilion")).toEqual([]);
  });

  it("keeps projects and organisations apart", async () => {
    await reindex(getDb(), "organisation", 1, ["Elevator maintenance co-op"]);
    expect(await search("organisation", "elevator")).toEqual([1]);
    expect(await search("project", "maintenance")).toEqual([]);
    await unindex(getDb(), "organisation", 1);
    expect(await search("organisation", "elevator")).toEqual([]);
  });

  it("refuses an unknown kind rather than building SQL from it", () => {
    expect(() => matchingIds("projects; --" as SearchKind, '"x"')).toThrow(/unknown search kind/);
  });
});

describe("texts are never adjacent to each other", () => {
  it("does not match a phrase across two texts or across punctuation", async () => {
    const db = getDb();
    await reindex(db, "project", 30, ["屋顶加", "装修花园"]);
    await reindex(db, "project", 31, ["屋顶加。装修花园"]);
    await reindex(db, "project", 32, ["屋顶加装修花园"]);
    expect(await search("project", "屋顶")).toEqual([30, 31, 32]);
    expect(await search("project", "加装")).toEqual([5, 32]);
  });

  it("matches words of different texts when they are separate query terms", async () => {
    expect(await search("project", "加 装修")).toEqual([30, 31, 32]);
  });
});

/** A verified organisation of that name, written and indexed as its service would. */
async function indexedOrganisation(name: string, description = "") {
  const db = getDb();
  const now = new Date().toISOString();
  const { id } = await db
    .insertInto("organisations")
    .values({
      name,
      tier: "filed",
      description,
      status: "verified",
      createdAt: now,
      updatedAt: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await reindex(db, "organisation", id, [name, description]);
  return id;
}

/** The names of the organisations `query` finds, best match first. */
async function ranked(query: string): Promise<string[]> {
  const expression = matchExpression(query)!;
  const rows = await getDb()
    .selectFrom("organisations")
    .select(["name", rankExpression("organisation", expression, "organisations.id").as("rank")])
    .where("organisations.id", "in", matchingIds("organisation", expression))
    .orderBy(sql`rank`)
    .orderBy("organisations.id")
    .execute();
  return rows.map((r) => r.name);
}

describe("ranking", () => {
  it("filters and orders real rows, whole-word hits first", async () => {
    const db = getDb();
    const names = ["培养老师志愿者", "社区养老服务站", "老年食堂", "儿童之家"];
    for (const name of names) await indexedOrganisation(name);
    const expression = matchExpression("养老")!;
    const rows = await db
      .selectFrom("organisations")
      .select(["name", rankExpression("organisation", expression, "organisations.id").as("rank")])
      .where("organisations.id", "in", matchingIds("organisation", expression))
      .orderBy(sql`rank`)
      .execute();
    // 培养老师 holds 养老 only across the words 培养|老师: it matches, but ranks below a text
    // where 养老 is a word of its own, though it comes first in id order.
    expect(rows.map((r) => r.name)).toEqual(["社区养老服务站", "培养老师志愿者"]);
    expect(rows[0]!.rank).toBeLessThan(rows[1]!.rank!);
  });

  it("ranks a text where the words of the query stand together above one where they do not", async () => {
    const db = getDb();
    // The apart one comes first in id order and is the shorter (bm25 favours short texts).
    for (const name of ["老旧小区加装电梯队", "老旧小区电梯维修保养志愿服务站"])
      await indexedOrganisation(name);
    const expression = matchExpression("老旧小区电梯")!;
    const rows = await db
      .selectFrom("organisations")
      .select(["name", rankExpression("organisation", expression, "organisations.id").as("rank")])
      .where("organisations.id", "in", matchingIds("organisation", expression))
      .orderBy(sql`rank`)
      .execute();
    expect(rows.map((r) => r.name)).toEqual([
      "老旧小区电梯维修保养志愿服务站",
      "老旧小区加装电梯队",
    ]);
    expect(rows[0]!.rank).toBeLessThan(rows[1]!.rank!);
  });
});

describe("ranking: the title first", () => {
  it("ranks a match in the title above any number in the other texts, in Chinese and English", async () => {
    // The description matches come first in id order, and say the words over and over.
    await indexedOrganisation(
      "楼道互助会",
      "帮邻居修晾衣架，晾衣绳坏了找我们，公共晾衣区每周打扫。We fix bikes, bike by bike.",
    );
    await indexedOrganisation("公共晾衣架更新小组 Bike shed group");
    await indexedOrganisation("小区议事会", "讨论公共晾衣架和 bikes 的摆放");
    for (const query of ["晾衣", "晾衣架", "bike", "BIKE"]) {
      const names = await ranked(query);
      expect(names[0], query).toBe("公共晾衣架更新小组 Bike shed group");
      expect(names.slice(1).sort(), query).toEqual(["小区议事会", "楼道互助会"].sort());
    }
  });

  it("matches the title like any other text: a phrase never spans the title and the next text", async () => {
    await indexedOrganisation("屋顶花园加", "装修队");
    expect(await ranked("花园加装")).toEqual([]);
    expect(await ranked("屋顶花园")).toEqual(["屋顶花园加"]);
  });
});

describe("reindexMissing", () => {
  it("indexes the rows the index lacks, titles apart, and nothing else", async () => {
    const inDescription = await indexedOrganisation("物业中心", "维保电话，维保时间，维保范围");
    const inTitle = await indexedOrganisation("楼宇维保互助站");
    for (const id of [inDescription, inTitle]) await unindex(getDb(), "organisation", id);
    expect(await ranked("维保")).toEqual([]);
    expect(await reindexMissing(getDb())).toBe(2);
    expect(await ranked("维保")).toEqual(["楼宇维保互助站", "物业中心"]);
    const row = await getDb()
      .selectFrom("organisationsFts")
      .select(["titleChars", "chars"])
      .where("rowid", "=", inTitle)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ titleChars: "楼 宇 维 保 互 助 站", chars: "" });
    expect(await reindexMissing(getDb())).toBe(0);
  });

  it("goes through the rows in batches, past the rows already indexed, to the last", async () => {
    const ids: number[] = [];
    for (let i = 1; i <= 7; i++) ids.push(await indexedOrganisation(`第${i}个钟表修理铺`));
    // Missing: every row but the third and the sixth, so batches of two end between them.
    for (const id of ids.filter((_, i) => i !== 2 && i !== 5)) {
      await unindex(getDb(), "organisation", id);
    }
    expect(await ranked("钟表")).toHaveLength(2);
    expect(await reindexMissing(getDb(), 2)).toBe(5);
    expect(await ranked("钟表")).toHaveLength(7);
    expect(await reindexMissing(getDb(), 2)).toBe(0);
  });
});

describe.runIf(isPostgres(getDb()))("PostgreSQL: the tsvector", () => {
  it("reads back the quoted literal as written", async () => {
    const vector = documentVector({
      titleWords: "it's a\\b",
      titleChars: "加 \uE000 装",
      words: "",
      chars: "",
    });
    const { text } = await sql<{ text: string }>`select ${vector}::tsvector::text as text`
      .execute(getDb())
      .then((r) => r.rows[0]!);
    expect(text).toBe("'a\\\\b':2A 'it''s':1A '加':4B '装':6B");
  });
});
