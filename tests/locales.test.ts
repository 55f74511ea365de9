/**
 * Locale files: identical keys in every language, and every key the code names exists.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { namespaces, supportedLngs } from "~/i18n/config";
import { resources } from "~/i18n/resources.server";

const root = path.resolve("public/locales");

function flatten(obj: Record<string, unknown>, prefix = ""): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    v && typeof v === "object"
      ? flatten(v as Record<string, unknown>, `${prefix}${k}.`)
      : [`${prefix}${k}`],
  );
}

function load(lng: string, ns: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(root, lng, `${ns}.json`), "utf8")) as Record<
    string,
    unknown
  >;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.(ts|tsx)$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [p] : [];
  });
}

describe("locale files", () => {
  it("exist for every language and namespace, and nothing else", () => {
    for (const lng of supportedLngs) {
      expect(fs.readdirSync(path.join(root, lng)).sort()).toEqual(
        namespaces.map((n) => `${n}.json`).sort(),
      );
    }
  });

  it.each(namespaces)("%s has identical keys in every language, none empty", (ns) => {
    const [first, ...rest] = supportedLngs.map((lng) => ({ lng, data: load(lng, ns) }));
    const keys = flatten(first!.data).sort();
    for (const other of rest) expect(flatten(other.data).sort(), other.lng).toEqual(keys);
    for (const { lng, data } of [first!, ...rest]) {
      for (const key of flatten(data)) {
        const value = key
          .split(".")
          .reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], data);
        expect(typeof value === "string" && value.trim().length > 0, `${lng}/${ns}:${key}`).toBe(
          true,
        );
      }
    }
  });

  it("are all bundled into the server, which renders every page in every namespace", () => {
    for (const lng of supportedLngs) {
      expect(Object.keys(resources[lng]!).sort(), lng).toEqual([...namespaces].sort());
    }
  });

  it("uses the same interpolation variables in every language", () => {
    for (const ns of namespaces) {
      const zh = load("zh-CN", ns);
      const en = load("en", ns);
      for (const key of flatten(zh)) {
        const get = (d: Record<string, unknown>) =>
          String(key.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], d));
        const vars = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
        expect(vars(get(en)), `${ns}:${key}`).toEqual(vars(get(zh)));
      }
    }
  });

  it("has every key that the code names literally", () => {
    const known = new Set(
      namespaces.flatMap((ns) => flatten(load("zh-CN", ns)).map((k) => `${ns}:${k}`)),
    );
    const missing: string[] = [];
    for (const file of sourceFiles(path.resolve("app"))) {
      const src = fs.readFileSync(file, "utf8");
      // The namespaces a component asks for; its first is the default for unprefixed keys.
      const nsMatch = /useTranslation\(\s*(?:\[\s*)?"(\w+)"/.exec(src);
      const defaultNs = nsMatch?.[1] ?? "common";
      const literal = [
        ...[...src.matchAll(/\bt\(\s*"([\w.:-]+)"/g)].map((m) => ({ key: m[1]!, ns: defaultNs })),
        // Keys handed around as data: refusals, schema messages.
        ...[...src.matchAll(/"((?:\w+:)?errors\.[\w.]+)"/g)].map((m) => ({
          key: m[1]!,
          ns: "common",
        })),
      ];
      for (const { key, ns } of literal) {
        const full = key.includes(":") ? key : `${ns}:${key}`;
        // A t() in a file using several namespaces may name a key of any of them.
        const alternatives = key.includes(":") ? [full] : namespaces.map((n) => `${n}:${key}`);
        if (!known.has(full) && !alternatives.some((a) => known.has(a))) {
          missing.push(`${path.relative(process.cwd(), file)}: ${full}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
