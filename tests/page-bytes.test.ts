/**
 * Pages as bytes (issue 13, defect 9): no response holds a NUL byte. React 18's stream writer pads
 * a 2 KB piece with NULs when a character of several bytes does not fit at its end (see
 * app/entry.server.tsx); Chinese pages cross such boundaries all the time.
 *
 * The pages are rendered as the app renders them: the app's own server build, made by Vite with
 * the Remix plugin from vite.config.ts (as server.ts does in development), and its entry.server.
 */
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import fc from "fast-check";
import { createElement as h, Fragment } from "react";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { conversationSchema } from "~/domain/conversations/schemas";
import { createConversation } from "~/services/conversations/commands.server";
import { run as runCommand } from "~/services/runner/command.server";
import { appBuild } from "./support/builds";
import {
  chinaLocal,
  makeCommitteeMember,
  makeCommunity,
  makeMeeting,
  makeOrganisation,
  makeProject,
} from "./support/factories";

let closeBuild: () => Promise<void>;
let build: ServerBuild;
let community: number;
let conversation: number;

beforeAll(async () => {
  community = await makeCommunity("东坡路");
  // Chinese text enough to cross many 2 KB boundaries, at many different offsets.
  for (let i = 0; i < 12; i++) {
    await makeProject(community, {
      title: `为老旧小区加装电梯意见征集与协调第${i}期`.repeat(1 + (i % 3)),
    });
    await makeOrganisation({
      communities: [community],
      name: `颐养之家为老服务中心${"分".repeat(i)}`,
    });
  }
  // A conversation whose statements, map tables and forms are all Chinese text.
  const { councilId } = await makeMeeting(community);
  ({ conversationId: conversation } = await runCommand(
    createConversation,
    await makeCommitteeMember(community),
    conversationSchema.parse({
      councilId: String(councilId),
      question: "社区食堂试运营一个月，怎样办得更好？",
      description: "请对下面的观点表个态：同意、不同意，或者跳过。".repeat(8),
      opensAt: chinaLocal(Date.now() - 3_600_000),
      closesAt: chinaLocal(Date.now() + 3_600_000),
      eligibility: "residents",
      seeds: Array.from({ length: 20 }, (_, i) => `午餐价格应控制在十五元以内，第${i}条`).join(
        "\n",
      ),
    }),
  ));
  ({ build, close: closeBuild } = await appBuild());
}, 120_000);

afterAll(async () => {
  await closeBuild?.();
});

async function bytesOf(res: Response): Promise<Buffer> {
  return Buffer.from(await res.arrayBuffer());
}

describe("pages carry no NUL byte", () => {
  const pages = () => [
    "/",
    "/projects",
    "/orgs",
    `/communities/${community}`,
    "/permissions",
    `/conversations/${conversation}`,
  ];

  it.each([
    ["zh-CN", "full"],
    ["zh-CN", "lite"],
    ["en", "full"],
    ["en", "lite"],
  ])("in %s, %s mode", async (lng, mode) => {
    const handler = createRequestHandler(build, "production");
    for (const page of pages()) {
      const res = await handler(
        new Request(`http://localhost${page}`, { headers: { Cookie: `lng=${lng}; mode=${mode}` } }),
      );
      expect(res.status, page).toBe(200);
      expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
      const bytes = await bytesOf(res);
      const nuls = bytes.reduce((n, b) => n + (b === 0 ? 1 : 0), 0);
      expect(nuls, `${page}: NUL bytes`).toBe(0);
      // Whole UTF-8 characters, and the whole page.
      const html = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
      expect(html, page).toMatch(/<\/html>\s*$/);
    }
  });

  /** React's escaping of text. */
  const escape = (s: string) =>
    s.replace(
      /[&<>"']/g,
      (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;" })[c]!,
    );

  it("for any mix of ASCII and Chinese text, which comes through intact", async () => {
    // One route rendered by the app's entry.server: the pieces of text, each its own element (a
    // text of more than 682 UTF-16 units is written by React in one go, past the padding).
    let parts: string[] = [];
    const Root = () =>
      h(Fragment, null, h("main", { id: "t" }, ...parts.map((p, i) => h("span", { key: i }, p))));
    const own = {
      ...build,
      routes: { root: { id: "root", path: "", module: { default: Root } } },
      assets: {
        ...build.assets,
        routes: {
          root: { id: "root", path: "", module: "/root.js", hasLoader: false, hasAction: false },
        },
      },
    } as unknown as ServerBuild;
    const handler = createRequestHandler(own, "production");

    const ascii = fc.string({ unit: "grapheme-ascii", maxLength: 30, size: "max" });
    const cjk = fc.string({
      unit: fc.integer({ min: 0x4e00, max: 0x9fff }).map((c) => String.fromCodePoint(c)),
      maxLength: 300,
      size: "max",
    });
    const other = fc.string({
      unit: fc.constantFrom("é", "ß", "😀", "𠮷", "—", "、"),
      maxLength: 10,
    });
    const piece = fc
      .array(fc.oneof(ascii, cjk, other), { minLength: 1, maxLength: 4 })
      .map((a) => a.join(""));
    await fc.assert(
      fc.asyncProperty(
        fc.array(piece, { minLength: 1, maxLength: 40, size: "max" }),
        async (generated) => {
          parts = generated;
          const bytes = await bytesOf(await handler(new Request("http://localhost/")));
          expect(bytes.includes(0)).toBe(false);
          const html = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
          const spans = generated.map((p) => `<span>${escape(p)}</span>`).join("");
          expect(html).toContain(`<main id="t">${spans}</main>`);
        },
      ),
      // Each run is a render: report the first failure as found, not shrunk.
      { numRuns: 100, endOnFailure: true },
    );
  });
});
