/**
 * What a project's page shows alike to every viewer is kept a few seconds per process
 * (services/projects/queries.server.ts, `projectShown`): a change made through a command shows on
 * the next page, a write outside commands waits for PAGE_CACHE_MS, another project's change drops
 * nothing here, and what depends on the viewer (who may see a draft, which hidden words they may
 * read, their own support) is decided for each of them from the rows kept for all.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { keepShownReads } from "./support/shown";
import type { Actor } from "~/domain/permissions/policy";
import { commentSchema } from "~/domain/projects/schemas";
import { proposeProject } from "~/services/projects/commands.server";
import { addComment, hideComment, supportProject } from "~/services/projects/participation.server";
import { projectPage } from "~/services/projects/queries.server";
import { run } from "~/services/runner/command.server";
import { getDb } from "../db/client.server";
import {
  makeCommitteeMember,
  makeCommunity,
  makeProject,
  makeResident,
  projectInput,
} from "./support/factories";

keepShownReads();

const retitle = (id: number, title: string) =>
  getDb().updateTable("projects").set({ title }).where("id", "=", id).execute();

describe("a project's page, kept for every viewer", () => {
  let community: number;
  let proposer: Actor;
  let neighbour: Actor;
  let committee: Actor;

  beforeAll(async () => {
    community = await makeCommunity();
    proposer = await makeResident(community);
    neighbour = await makeResident(community);
    committee = await makeCommitteeMember(community);
  });

  it("shows a support through a command on the next page, and the viewer's own support as theirs", async () => {
    const id = await makeProject(community, { status: "submitted" });
    expect((await projectPage(neighbour, id))?.project.supportCount).toBe(0);
    await run(supportProject, neighbour, { id });
    const own = await projectPage(neighbour, id);
    expect(own?.project.supportCount).toBe(1);
    expect(own?.viewer.supported).toBe(true);
    const other = await projectPage(proposer, id);
    expect(other?.project.supportCount).toBe(1);
    expect(other?.viewer.supported).toBe(false);
  });

  it("keeps a write outside commands until a command changes the project, not another's", async () => {
    const id = await makeProject(community, { title: "楼道扶手", status: "submitted" });
    const other = await makeProject(community, { status: "submitted" });
    expect((await projectPage(neighbour, id))?.project.title).toBe("楼道扶手");
    await retitle(id, "直接改写的标题");
    await run(supportProject, neighbour, { id: other });
    expect((await projectPage(neighbour, other))?.project.supportCount).toBe(1);
    expect((await projectPage(neighbour, id))?.project.title).toBe("楼道扶手");
    await run(supportProject, neighbour, { id });
    expect((await projectPage(neighbour, id))?.project.title).toBe("直接改写的标题");
  });

  it("shows a draft kept for its proposer to no one else", async () => {
    const draft = await run(proposeProject, proposer, {
      ...projectInput(community, { title: "我的草稿" }),
      photo: null,
    });
    expect((await projectPage(proposer, draft))?.project.title).toBe("我的草稿");
    expect(await projectPage(neighbour, draft)).toBeNull();
    expect(await projectPage(committee, draft)).toBeNull();
  });

  it("hides hidden words from the viewers who may not read them, though the comments are shared", async () => {
    const id = await makeProject(community, { status: "submitted" });
    const body = commentSchema.parse({ body: "这条评论会被隐藏" }).body;
    const comment = await run(addComment, neighbour, { id, body, parentId: null });
    await run(hideComment, committee, { commentId: comment, reason: "人身攻击" });
    // The committee reads first: the kept rows hold the words.
    const shown = (who: Actor) =>
      projectPage(who, id).then((p) => p?.comments.find((c) => c.id === comment));
    expect(await shown(committee)).toMatchObject({ hidden: true, body });
    expect(await shown(neighbour)).toMatchObject({ hidden: true, body });
    expect(await shown(proposer)).toMatchObject({ hidden: true, body: null });
  });
});
