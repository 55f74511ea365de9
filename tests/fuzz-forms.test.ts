/**
 * Every form, fuzzed (issue 13, "Fuzz every edge"): each route action is sent generated forms —
 * its own intents and field names and unknown ones, wrong types, empty, huge and repeated
 * fields, control characters, bidirectional overrides, bytes that are not UTF-8, numbers in other
 * notations — as each kind of visitor. Whatever comes: no 5xx; a refusal (4xx) writes nothing; a
 * refused form comes back with what was typed in it.
 *
 * The one write a refusal makes on purpose: a refused sign-in is counted against the account and
 * the address (the throttle), so /login's refusals may change `login_throttle` and nothing else.
 */
import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { dbSnapshot } from "./support/factories";
import {
  answer,
  makeFixture,
  moduleOf,
  PAGES,
  ROLES,
  ROUTES_DIR,
  type Fixture,
  type Loader,
  type Page,
} from "./support/sweep";

let f: Fixture;
beforeAll(async () => {
  f = await makeFixture();
});

/** Forms of route modules that have an action; /logout last (it ends the visitor's session). */
const FORMS: Page[] = [...new Map(PAGES.map((p) => [p.route + p.url.toString(), p])).values()]
  .filter((p) => /export (async )?(function|const) action\b/.test(source(p.route)))
  .filter((p, i, all) => all.findIndex((q) => q.route === p.route) === i)
  .sort((a, b) => Number(a.route === "logout") - Number(b.route === "logout"));

function source(route: string): string {
  const file = [".tsx", ".ts"]
    .map((ext) => path.join(ROUTES_DIR, route + ext))
    .find((p) => fs.existsSync(p));
  return file ? fs.readFileSync(file, "utf8") : "";
}

// Components of one feature live in a folder of their own (app/components/conversations/).
const COMPONENTS = fs
  .readdirSync("app/components", { recursive: true, encoding: "utf8" })
  .filter((name) => /\.tsx?$/.test(name))
  .map((name) => fs.readFileSync(path.join("app/components", name), "utf8"))
  .join("\n");

/** Field names and intents a route's forms use (its own file and the shared components). */
function vocabulary(route: string) {
  const text = source(route);
  const names = new Set(
    [...(text + COMPONENTS).matchAll(/name="([A-Za-z_][\w]*)"/g)].map((m) => m[1]!),
  );
  const intents = new Set([
    ...[...text.matchAll(/(\w+): (?:intent|lookup)\(/g)].map((m) => m[1]!),
    ...[...text.matchAll(/intent="(\w+)"/g)].map((m) => m[1]!),
  ]);
  return { names: [...names], intents: [...intents] };
}

/** A value that is sent as bytes that are not UTF-8. */
const NOT_UTF8 = "\uE000not-utf8";

const typed = fc.oneof(
  fc.constant(""),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: "grapheme", maxLength: 30 }),
  fc.string({
    unit: fc.constantFrom("a", "中", " ", "\n", "\r", "\t", "\u0000", "\u001b", "\u202e", "\ufffd"),
    maxLength: 20,
  }),
  fc.constantFrom("0x10", "1e9", "-1", "16.0", " 7 ", "99999999999999999999", "NaN", "١٢", "*"),
  fc.constant("长".repeat(30_000)),
  fc.constant(NOT_UTF8),
);
const fieldValue = fc.oneof(
  { weight: 4, arbitrary: typed },
  { weight: 1, arbitrary: fc.array(typed, { minLength: 2, maxLength: 3 }) },
);

function body(form: Array<[string, string | string[]]>): string {
  const enc = (s: string) => (s === NOT_UTF8 ? "%FF%FE%C3" : encodeURIComponent(s));
  return form
    .flatMap(([k, v]) => [v].flat().map((x) => `${encodeURIComponent(k)}=${enc(x)}`))
    .join("&");
}

function formFor(route: string) {
  const { names, intents } = vocabulary(route);
  const key = fc.oneof(
    { weight: 4, arbitrary: names.length ? fc.constantFrom(...names) : fc.constant("x") },
    { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 12 }) },
  );
  const intent = fc.oneof(
    { weight: 4, arbitrary: intents.length ? fc.constantFrom(...intents) : typed },
    { weight: 1, arbitrary: fieldValue },
  );
  return fc
    .tuple(intent, fc.array(fc.tuple(key, fieldValue), { maxLength: 8 }))
    .map(([i, fields]): Array<[string, string | string[]]> => [["intent", i], ...fields]);
}

/** What the fuzzing met, to show it reached past the first refusal (checked last). */
const met = { refused: 0, keptValues: 0, accepted: 0 };

/** Tables a refusal may change: only the sign-in throttle's, for a refused sign-in. */
const mayWrite = (route: string) => (route === "login" ? ["login_throttle"] : []);

function without(snapshot: Record<string, unknown>, tables: string[]) {
  return Object.fromEntries(Object.entries(snapshot).filter(([t]) => !tables.includes(t)));
}

describe("every form, fuzzed", () => {
  it("finds the forms: every route module with an action", () => {
    expect(FORMS.length).toBeGreaterThanOrEqual(20);
    for (const p of FORMS) expect(vocabulary(p.route).names.length, p.route).toBeGreaterThan(0);
  });

  it.each(FORMS.map((p) => [p.route, p] as const))(
    "%s: no 5xx, a refusal writes nothing and keeps what was typed",
    async (_route, p) => {
      const { action } = await moduleOf(p.route);
      await fc.assert(
        fc.asyncProperty(formFor(p.route), fc.constantFrom(...ROLES), async (form, role) => {
          const cookie = f.cookies[role];
          const request = new Request(`http://localhost${p.url(f)}`, {
            method: "POST",
            headers: {
              "Content-Type": "application/x-www-form-urlencoded",
              Origin: "http://localhost",
              ...(cookie ? { Cookie: cookie } : {}),
            },
            body: body(form),
          });
          const params: Record<string, string> = p.id
            ? { id: String(p.id(f)) }
            : p.route === "$"
              ? { "*": "no/such/page" }
              : {};
          const before = await dbSnapshot();
          const { status, res, thrown } = await answer(action as Loader, request, params);
          expect(thrown, `${p.route} as ${role} threw`).toBeNull();
          expect(status, `${p.route} as ${role}`).toBeLessThan(500);
          if (status < 400) {
            met.accepted++;
            return;
          }
          met.refused++;
          expect(without(await dbSnapshot(), mayWrite(p.route))).toEqual(
            without(before, mayWrite(p.route)),
          );
          // A refused form comes back with what was typed (one value per field, as sent).
          const data = (await res!.json().catch(() => ({}))) as { values?: Record<string, string> };
          if (!data.values) return;
          for (const [k, v] of form) {
            if (typeof v !== "string" || v === NOT_UTF8 || /password/i.test(k)) continue;
            if (form.filter(([k2]) => k2 === k).length > 1) continue;
            // Own keys only: `__proto__` is "in" every object, and a form may name it.
            if (!Object.hasOwn(data.values, k)) continue;
            expect(data.values[k], `${p.route}: ${k}`).toBe(v);
            met.keptValues++;
          }
        }),
        { numRuns: 12 },
      );
    },
    60_000,
  );

  it("reached refusals with forms kept, and forms taken, not only the first check", () => {
    expect(met.refused).toBeGreaterThan(100);
    expect(met.keptValues).toBeGreaterThan(20);
    expect(met.accepted).toBeGreaterThan(0);
  });
});
