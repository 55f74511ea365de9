/**
 * Calls route loaders, as Remix would, against the database this process's environment names
 * (DATABASE_PATH or DATABASE_URL), and prints what each answered as JSON: a process of its own per
 * database, so no cache of one database's answers can stand in for the other's
 * (tests/db-copy.test.ts compares a SQLite database with its copy this way).
 *
 *   tsx tests/support/render-pages.ts '[{"route": "projects._index", "url": "/projects"}]'
 */
import fs from "node:fs";
import { register } from "node:module";
import path from "node:path";
import { closeDb } from "../../db/client.server";

// The root module imports its stylesheets as Vite does (`lite.css?raw`); without Vite, a loader
// hook answers such an import with the file's text.
register(
  `data:text/javascript,${encodeURIComponent(`
    import fs from "node:fs";
    export async function load(url, context, next) {
      if (!url.endsWith("?raw")) return next(url, context);
      const text = fs.readFileSync(new URL(url.slice(0, -4)), "utf8");
      return { format: "module", shortCircuit: true, source: "export default " + JSON.stringify(text) };
    }`)}`,
);

export interface PageRequest {
  /** The route module's file name under app/routes, without its extension. */
  route: string;
  url: string;
  params?: Record<string, string>;
  cookie?: string;
}

export interface PageAnswer {
  url: string;
  status: number;
  /** Parsed JSON, an image as base64, or the text. */
  body: unknown;
}

type Loader = (args: unknown) => Promise<unknown>;

async function answer(r: PageRequest): Promise<PageAnswer> {
  const file = [".ts", ".tsx"]
    .map((ext) => path.resolve("app/routes", r.route + ext))
    .find((f) => fs.existsSync(f));
  if (!file) throw new Error(`no route module app/routes/${r.route}`);
  const { loader } = (await import(file)) as { loader: Loader };
  const request = new Request(`http://localhost${r.url}`, {
    headers: r.cookie ? { Cookie: r.cookie } : {},
  });
  let res: unknown;
  try {
    res = await loader({ request, params: r.params ?? {}, context: { clientIp: "127.0.0.1" } });
  } catch (e) {
    if (!(e instanceof Response)) throw e;
    res = e;
  }
  if (!(res instanceof Response)) return { url: r.url, status: 200, body: res };
  const type = res.headers.get("Content-Type") ?? "";
  const body = type.includes("json")
    ? await res.json()
    : type.startsWith("image/")
      ? Buffer.from(await res.arrayBuffer()).toString("base64")
      : await res.text();
  return { url: r.url, status: res.status, body };
}

const requests = JSON.parse(process.argv[2] ?? "[]") as PageRequest[];
const answers: PageAnswer[] = [];
for (const r of requests) answers.push(await answer(r));
await closeDb();
process.stdout.write(JSON.stringify(answers));
