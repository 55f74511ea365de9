/**
 * The public list of micro-projects (`/projects`) is read once per filter and page for every viewer
 * and kept a few seconds per process (services/projects/queries.server.ts, `shownProjectList`): a
 * project proposed, submitted or supported through a command shows on the next list; a write
 * outside commands waits for PAGE_CACHE_MS; one's own projects are read for each viewer. And the
 * bound of kept reads whose keys come from the query string (services/shown.server.ts, `max`).
 */
import { describe, expect, it } from "vitest";
import { keepShownReads } from "./support/shown";
import { loader } from "~/routes/projects._index";
import { proposeProject, takeStep } from "~/services/projects/commands.server";
import { run as runCommand } from "~/services/runner/command.server";
import { shownReads } from "~/services/shown.server";
import { getDb } from "../db/client.server";
import {
  cookieFor,
  makeCommunity,
  makeProject,
  makeResident,
  projectInput,
} from "./support/factories";
import { body, run } from "./support/remix";

interface List {
  items: Array<{ id: number; title: string }>;
  total: number;
  mine: Array<{ id: number; title: string }>;
}

async function list(search: string, cookie: string | null = null): Promise<List> {
  const res = await run(
    loader,
    new Request(`http://localhost/projects?${search}`, {
      headers: cookie ? { Cookie: cookie } : {},
    }),
  );
  expect(res.status).toBe(200);
  return body<List>(res);
}

const retitle = (id: number, title: string) =>
  getDb().updateTable("projects").set({ title }).where("id", "=", id).execute();

keepShownReads();

describe("the public list of projects, kept for every viewer", () => {
  it("shows a project submitted through a command on the next list, and keeps a write outside commands until then", async () => {
    const community = await makeCommunity();
    const resident = await makeResident(community);
    const search = `community=${community}`;
    expect((await list(search)).items).toEqual([]);
    const draft = await runCommand(proposeProject, resident, {
      ...projectInput(community, { title: "单元门禁维修" }),
      photo: null,
    });
    // A draft is its proposer's own: the public list does not change...
    expect((await list(search)).items).toEqual([]);
    // ...but the proposer's own list, read for each viewer, shows it at once.
    const cookie = await cookieFor(resident.userId!);
    expect((await list(search, cookie)).mine.map((p) => p.title)).toEqual(["单元门禁维修"]);
    await runCommand(takeStep, resident, { id: draft, step: "submit", reason: "" });
    expect((await list(search)).items.map((p) => p.title)).toEqual(["单元门禁维修"]);

    await retitle(draft, "直接改写的标题");
    expect((await list(search)).items.map((p) => p.title)).toEqual(["单元门禁维修"]);
    expect((await list(search, cookie)).items.map((p) => p.title)).toEqual(["单元门禁维修"]);
    expect((await list(search, cookie)).mine.map((p) => p.title)).toEqual(["直接改写的标题"]);

    // A project of another community, through a command: a list spans communities, so every
    // kept list is read again.
    const elsewhere = await makeCommunity();
    const other = await makeResident(elsewhere);
    await runCommand(proposeProject, other, {
      ...projectInput(elsewhere, { title: "别处的项目" }),
      photo: null,
    });
    expect((await list(search)).items.map((p) => p.title)).toEqual(["直接改写的标题"]);
  });

  it("keeps each filter and page apart", async () => {
    const community = await makeCommunity();
    const ids: number[] = [];
    for (let i = 0; i < 25; i++) ids.push(await makeProject(community, { title: `项目 ${i}` }));
    const first = await list(`community=${community}&sort=newest`);
    const second = await list(`community=${community}&sort=newest&page=2`);
    expect(first.total).toBe(25);
    expect(first.items).toHaveLength(20);
    expect(second.items).toHaveLength(5);
    expect(new Set([...first.items, ...second.items].map((p) => p.id))).toEqual(new Set(ids));
  });
});

describe("kept reads keyed by the query string", () => {
  it("keep at most `max` keys, forget those past their time first, and read the rest each time", async () => {
    const loads: string[] = [];
    const read = shownReads(
      "boundTest",
      async (key: string) => {
        loads.push(key);
        return `${key}${loads.length}`;
      },
      () => null,
      2,
    );
    process.env.PAGE_CACHE_MS = "100";
    try {
      expect(await read("a")).toBe("a1");
      expect(await read("b")).toBe("b2");
      expect(await read("a")).toBe("a1");
      // Full: c is read, and read again, without being kept; a and b stay.
      expect(await read("c")).toBe("c3");
      expect(await read("c")).toBe("c4");
      expect(await read("b")).toBe("b2");
      await new Promise((r) => setTimeout(r, 150));
      // a and b are past their time: forgotten to make room, and c is kept.
      expect(await read("c")).toBe("c5");
      expect(await read("c")).toBe("c5");
      expect(loads).toEqual(["a", "b", "c", "c", "c"]);
    } finally {
      process.env.PAGE_CACHE_MS = "600000";
    }
  });
});
