/**
 * "No lost work" (长辈版 everywhere, issue 6): nothing pops up that the reader did not open, and
 * nothing navigates or reloads by itself, throwing away what was typed. This reads the sources,
 * so a new alert(), window.open(), meta refresh or self-navigating timer fails here before review;
 * e2e/pages.e2e.ts watches for dialogs and new windows in the browser on every route.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve("app");

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sources(full);
    return /\.(ts|tsx)$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [full] : [];
  });
}

const files = sources(root).map((f) => ({
  file: path.relative(process.cwd(), f),
  text: fs.readFileSync(f, "utf8"),
}));

/** Never allowed: each of these opens something, or leaves the page, without being asked. */
const FORBIDDEN: Array<[string, RegExp]> = [
  ["window.open", /\bwindow\.open\s*\(/],
  ["alert/confirm/prompt", /(?<![\w.$])(?:window\.)?(?:alert|confirm|prompt)\s*\(/],
  // JSX (httpEquiv="refresh"), Remix's meta objects ({ httpEquiv: "refresh" }), HTML in strings.
  ["meta refresh", /http-?equiv["'`]?\s*[:=,]\s*\{?\s*["'`]?refresh\b/i],
  ["location.reload", /\blocation\.reload\s*\(/],
  ["location.assign/replace", /\blocation\.(?:assign|replace)\s*\(/],
  ["location.href =", /\blocation(?:\.href)?\s*=(?!=)/],
  ["showModal", /\.showModal\s*\(/],
];

/** The one place each may appear anyway, and why it throws nothing away. */
const ALLOWED_ONCE: Record<string, Record<string, string>> = {
  "meta refresh": {
    "app/routes/meetings.$id.room.tsx":
      "opt-in: only when the reader asks for it (?refresh=15/30/60 from the room's own link), " +
      "so a room without JavaScript shows new messages; off by default and one link turns it off",
  },
};

/**
 * Timers that exist on purpose, with why they cannot throw input away. A new timer in app/ must be
 * added here with its reason; none may sit in a file that navigates.
 */
const ALLOWED_TIMERS: Record<string, string> = {
  "app/realtime/server.server.ts": "batches 'changed' notices to socket rooms; server side",
  "app/services/jobs.server.ts": "looks for due timed jobs every minute; server only, no form",
  "app/services/accounts/commands.server.ts":
    "waits out the delay failed sign-ins earned (node:timers/promises); server side",
  "app/components/room.tsx": "ticks the speaker's countdown once a second; only re-renders",
  "app/components/notice-count.ts":
    "spreads the header's count requests after a broadcast over a second; only updates a number",
  "app/components/conversations/write.tsx":
    "waits for a pause in typing before looking up similar statements; a GET that only shows a list",
  "app/services/conversations/map.server.ts":
    "starts an opinion map's recompute a moment after a vote, so a burst makes one; server only",
  "app/services/shown.server.ts":
    "begins a shared read (a poll's ballot count) a moment later, so a burst of votes makes one; server only",
};

/** What a timer must never do in the same file: leave the page or submit for the reader. */
const NAVIGATES = /\b(?:useNavigate|navigate\s*\(|location\.|\.submit\s*\(|requestSubmit\s*\()/;

describe("no lost work", () => {
  it("reads the app's sources", () => {
    expect(files.length).toBeGreaterThan(50);
  });

  it.each(FORBIDDEN)("has no %s anywhere in app/ but where it is allowed", (name, pattern) => {
    const allowed = ALLOWED_ONCE[name] ?? {};
    const hits = files.filter((f) => pattern.test(f.text)).map((f) => f.file);
    expect(hits.filter((file) => !(file in allowed))).toEqual([]);
    // Each allowed place still has it, exactly once.
    const global = new RegExp(pattern.source, pattern.flags + "g");
    for (const file of Object.keys(allowed)) {
      const text = files.find((f) => f.file === file)?.text ?? "";
      expect(text.match(global)?.length ?? 0, `${name} in ${file}`).toBe(1);
    }
  });

  it("has only the timers listed, and none of them in a file that navigates", () => {
    const withTimers = files.filter((f) => /\bset(?:Timeout|Interval)\b/.test(f.text));
    expect(withTimers.map((f) => f.file).sort()).toEqual(Object.keys(ALLOWED_TIMERS).sort());
    for (const f of withTimers) expect(NAVIGATES.test(f.text), f.file).toBe(false);
  });

  it("would catch the patterns it looks for", () => {
    // A test that cannot fail is a defect: each pattern matches its own example.
    const examples = [
      'window.open("/x")',
      'alert("saved")',
      '<meta httpEquiv="refresh" content="5" />',
      "location.reload()",
      "window.location.assign('/')",
      "window.location.href = '/login'",
      "dialog.showModal()",
    ];
    FORBIDDEN.forEach(([name, pattern], i) => expect(pattern.test(examples[i]!), name).toBe(true));
    expect(FORBIDDEN[1]![1].test("paper.confirm(ballot)")).toBe(false);
    expect(FORBIDDEN[5]![1].test("if (location.href === next)")).toBe(false);
    const metaRefresh = FORBIDDEN[2]![1];
    for (const form of [
      'out.push({ httpEquiv: "refresh", content: "30" })',
      "{ 'http-equiv': 'refresh', content: '5' }",
      "<meta httpEquiv={'refresh'} content={String(n)} />",
      '`<meta http-equiv="Refresh" content="5">`',
      "<meta http-equiv=refresh content=5>",
      'el.setAttribute("http-equiv", "refresh")',
    ]) {
      expect(metaRefresh.test(form), form).toBe(true);
    }
    expect(metaRefresh.test('{ httpEquiv: "content-language" }')).toBe(false);
    expect(metaRefresh.test("httpEquiv: refreshChoice")).toBe(false);
  });
});
