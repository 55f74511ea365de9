/**
 * The browser's locale chunks, made at build time from `public/locales/<lng>/<ns>.json` (which stay
 * one file per namespace, as translators know them).
 *
 * Every namespace but `common` is cut in two: its words for pages, and its `errors` (refusals). A
 * page needs the words of its namespaces to render, but the errors only when one is to be shown,
 * which most visits never see; they were a third of the locale bytes a page downloaded (the
 * community page fetched four namespaces' errors, ≈4 KB compressed, to show none). `common` stays
 * whole: its errors are the ones any page may show, the error page itself among them.
 *
 * The module `virtual:liuhe-locales` maps "zh-CN/vote" and "zh-CN/vote-errors" to dynamic imports,
 * one chunk each; entry.client.tsx loads them (config.ts `loadUnitOfKey` says which one a key
 * needs). A virtual module rather than `import.meta.glob`: the glob can only import whole files,
 * and Vite's JSON plugin would claim any `.json?query` id.
 */
import fs from "node:fs";
import path from "node:path";
import type { Plugin } from "vite";
import { defaultNS, ERRORS_SUFFIX, namespaces, supportedLngs } from "./config";

const MAP_ID = "virtual:liuhe-locales";
const PART_PREFIX = "virtual:liuhe-locale/";

export function localeChunks(): Plugin {
  let root = process.cwd();
  return {
    name: "liuhe-locale-chunks",
    configResolved(config) {
      root = config.root;
    },
    resolveId(id) {
      if (id === MAP_ID || id.startsWith(PART_PREFIX)) return `\0${id}`;
      return undefined;
    },
    load(id) {
      if (id === `\0${MAP_ID}`) {
        const entries: string[] = [];
        for (const lng of supportedLngs) {
          for (const ns of namespaces) {
            const units = ns === defaultNS ? [ns] : [ns, `${ns}${ERRORS_SUFFIX}`];
            for (const unit of units) {
              const key = JSON.stringify(`${lng}/${unit}`);
              entries.push(
                `${key}: () => import(${JSON.stringify(`${PART_PREFIX}${lng}/${unit}`)})`,
              );
            }
          }
        }
        return `export const locales = {\n${entries.join(",\n")}\n};\n`;
      }
      if (!id.startsWith(`\0${PART_PREFIX}`)) return undefined;
      const [lng = "", unit = ""] = id.slice(PART_PREFIX.length + 1).split("/");
      const errors = unit.endsWith(ERRORS_SUFFIX);
      const ns = errors ? unit.slice(0, -ERRORS_SUFFIX.length) : unit;
      if (!(supportedLngs as readonly string[]).includes(lng)) return undefined;
      if (!(namespaces as readonly string[]).includes(ns)) return undefined;
      const file = path.join(root, "public/locales", lng, `${ns}.json`);
      this.addWatchFile(file);
      const all = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
      let part: unknown = all;
      if (errors) part = all.errors ?? {};
      else if (ns !== defaultNS) {
        const { errors: _left, ...words } = all;
        part = words;
      }
      // A JSON text is a JavaScript expression: the chunk is the object itself.
      return `export default ${JSON.stringify(part)};\n`;
    },
  };
}
