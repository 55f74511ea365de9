/**
 * Links the site builds never lead to another host: not from a crafted path (`//evil.example/x`,
 * whose 404 page carries the 长辈版 and language switches), not from the request's `Host` header
 * (the address a printed sheet carries). Whole pages, rendered by Remix's own request handler with
 * the app's root, entry and print routes.
 */
import { createRequestHandler } from "@remix-run/node";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { routesBuild } from "./support/builds";
import * as root from "~/root";
import * as splat from "~/routes/$";
import * as meetingPrint from "~/routes/meetings.$id.print";
import * as projectPrint from "~/routes/projects.$id.print";
import { loader as councilCalendar } from "~/routes/councils.$id.calendar[.ics]";
import { loader as meetingCalendar } from "~/routes/meetings.$id.calendar[.ics]";
import { getDb } from "../db/client.server";
import { makeCommunity, makeMeeting, makeProject } from "./support/factories";
import { run } from "./support/remix";

const modules = {
  root: ["", undefined, root],
  "routes/$": ["*", "root", splat],
  "routes/meetings.$id.print": ["meetings/:id/print", "root", meetingPrint],
  "routes/projects.$id.print": ["projects/:id/print", "root", projectPrint],
} as const;

const build = () => routesBuild(modules);

const handler = createRequestHandler(build());

async function page(url: string, headers: Record<string, string> = {}) {
  const res = await handler(new Request(url, { headers }));
  return { status: res.status, html: await res.text() };
}

/** Every href and action in the page that names a host other than the page's own. */
function offsite(html: string, site = "http://localhost/"): string[] {
  const links = [...html.matchAll(/\s(?:href|action|src)="([^"]*)"/g)].map((m) =>
    m[1]!.replace(/&amp;/g, "&"),
  );
  return links.filter((l) => new URL(l, site).origin !== new URL(site).origin);
}

describe("a crafted path", () => {
  for (const path of ["//evil.example/x", "///evil.example/x", "/\\evil.example/x"]) {
    for (const mode of ["full", "lite"]) {
      it(`${JSON.stringify(path)} (${mode}) renders a 404 whose switches stay on this site`, async () => {
        const { status, html } = await page(`http://localhost${path}?mode=${mode}`);
        expect(status).toBe(404);
        expect(html).toContain('class="switch');
        expect(html).not.toMatch(/href="\/\/|href="\/\\/);
        expect(offsite(html)).toEqual([]);
      });
    }
  }
});

describe("a printed sheet or a calendar requested with another Host", () => {
  let meetingId: number;
  let councilId: number;
  let projectId: number;
  beforeAll(async () => {
    const community = await makeCommunity("links");
    ({ meetingId, councilId } = await makeMeeting(community, { status: "scheduled" }));
    projectId = await makeProject(community, { title: "加装扶手" });
    await getDb()
      .updateTable("projects")
      .set({ status: "accepted" })
      .where("id", "=", projectId)
      .execute();
  });
  afterEach(() => {
    delete process.env.PUBLIC_ORIGIN;
  });

  const sheets = () => [`/meetings/${meetingId}/print`, `/projects/${projectId}/print`];

  it("does not carry the Host it was asked with, and links by path", async () => {
    for (const path of sheets()) {
      const { status, html } = await page(`http://evil.example${path}`, {
        Host: "evil.example",
      });
      expect([path, status]).toEqual([path, 200]);
      expect(html).not.toContain("evil.example");
      const id = path.split("/")[2];
      expect(html).toContain(`href="/${path.split("/")[1]}/${id}"`);
    }
  });

  it("carries the configured PUBLIC_ORIGIN (its first entry) instead", async () => {
    process.env.PUBLIC_ORIGIN = "https://liuhe.example, https://other.example";
    for (const path of sheets()) {
      const { html } = await page(`http://evil.example${path}`, { Host: "evil.example" });
      expect(html).not.toContain("evil.example");
      expect(html).toContain(`>https://liuhe.example/${path.split("/")[1]}/`);
    }
  });

  it("calendars link to PUBLIC_ORIGIN, or not at all, never to the Host asked with", async () => {
    const calendars = async () => [
      await run(
        meetingCalendar,
        new Request(`http://evil.example/meetings/${meetingId}/calendar.ics`, {
          headers: { Host: "evil.example" },
        }),
        { id: String(meetingId) },
      ),
      await run(
        councilCalendar,
        new Request(`http://evil.example/councils/${councilId}/calendar.ics`, {
          headers: { Host: "evil.example" },
        }),
        { id: String(councilId) },
      ),
    ];
    for (const res of await calendars()) {
      const text = await res.text();
      expect(text).toContain("BEGIN:VEVENT");
      expect(text).not.toContain("evil.example");
      expect(text).not.toContain("URL:");
    }
    process.env.PUBLIC_ORIGIN = "https://liuhe.example";
    for (const res of await calendars()) {
      const text = await res.text();
      expect(text).not.toContain("evil.example");
      expect(text).toContain(`URL:https://liuhe.example/meetings/${meetingId}\r\n`);
    }
  });
});
