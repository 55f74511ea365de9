/**
 * The browser's locale chunks (app/i18n/locale-chunks.vite.ts): every namespace but common is cut
 * into its words and its errors, and the two together are exactly the file translators edit.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { defaultNS, namespaces, supportedLngs } from "~/i18n/config";
import { localeChunks } from "~/i18n/locale-chunks.vite";

const plugin = localeChunks();
(plugin.configResolved as (c: { root: string }) => void)({ root: process.cwd() });
const watched: string[] = [];
const context = { addWatchFile: (f: string) => watched.push(f) };
const load = (id: string) =>
  (plugin.load as unknown as (this: typeof context, id: string) => string | undefined).call(
    context,
    id,
  );
const resolve = (id: string) => (plugin.resolveId as (id: string) => string | undefined)(id);

/** A part's object, read back from its module text. */
function part(lng: string, unit: string): Record<string, unknown> {
  const id = resolve(`virtual:liuhe-locale/${lng}/${unit}`);
  expect(id).toBeDefined();
  const code = load(id!);
  expect(code).toMatch(/^export default /);
  return JSON.parse(code!.replace(/^export default /, "").replace(/;\n$/, "")) as Record<
    string,
    unknown
  >;
}

describe("locale chunks", () => {
  it("the map names a words chunk and an errors chunk per namespace and language, common whole", () => {
    const map = load(resolve("virtual:liuhe-locales")!)!;
    for (const lng of supportedLngs) {
      for (const ns of namespaces) {
        expect(map).toContain(`"${lng}/${ns}": () => import("virtual:liuhe-locale/${lng}/${ns}")`);
        expect(map.includes(`"${lng}/${ns}-errors"`)).toBe(ns !== defaultNS);
      }
    }
  });

  it("words and errors together are exactly the file; the words hold no errors", () => {
    for (const lng of supportedLngs) {
      for (const ns of namespaces) {
        const file = JSON.parse(
          fs.readFileSync(path.join("public/locales", lng, `${ns}.json`), "utf8"),
        ) as Record<string, unknown>;
        const words = part(lng, ns);
        if (ns === defaultNS) {
          expect(words).toEqual(file);
          continue;
        }
        expect(words).not.toHaveProperty("errors");
        const errors = part(lng, `${ns}-errors`);
        expect({ ...words, ...(file.errors ? { errors } : {}) }).toEqual(file);
      }
    }
    expect(watched.some((f) => f.endsWith(path.join("zh-CN", "vote.json")))).toBe(true);
  });

  it("names no language or namespace it does not have, and leaves other modules alone", () => {
    expect(load("\0virtual:liuhe-locale/fr/vote")).toBeUndefined();
    expect(load("\0virtual:liuhe-locale/zh-CN/../../package")).toBeUndefined();
    expect(load("\0virtual:liuhe-locale/zh-CN/nope-errors")).toBeUndefined();
    expect(resolve("./app/root.tsx")).toBeUndefined();
    expect(load("/work/app/root.tsx")).toBeUndefined();
  });
});
