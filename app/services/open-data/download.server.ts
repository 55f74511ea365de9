/**
 * Open data files: a dataset as CSV or JSON, streamed a page of rows at a time, so a large table
 * never sits whole in memory; and the 404 for a file that names no dataset, in the reader's
 * language. The route (app/routes/open-data.$file.ts) only passes the request on.
 */
import {
  CSV_BOM,
  csvHeader,
  csvRecord,
  FIELDS,
  LICENCE,
  parseFile,
  DATASETS,
  type DatasetId,
  type Format,
  type Row,
} from "~/domain/open-data/datasets";
import { chinaDate } from "~/domain/time";
import { fixedT } from "~/i18n/i18next.server";
import type { Lng } from "~/i18n/config";
import { readPreferences } from "~/utils/preferences.server";
import { datasetRows } from "./datasets.server";

/**
 * The files change when people act, not by the second: five minutes in any cache is fresh
 * enough, and spares the database a crawler's repeated downloads.
 */
export const CACHE_CONTROL = "public, max-age=300";

/** The JSON file's head: everything but the rows, fields described in the reader's language. */
export function datasetHead(dataset: DatasetId, lng: Lng, generatedAt: Date) {
  const t = fixedT(lng, "openData");
  return {
    dataset,
    title: t(`datasets.${dataset}.title`),
    licence: { ...LICENCE, text: t("licence.text") },
    fields: FIELDS[dataset].map((f) => ({
      name: f.name,
      type: f.type,
      description: t(`datasets.${dataset}.fields.${f.name}`),
    })),
    generatedAt: generatedAt.toISOString(),
  };
}

/** The rows in the fields' order (a row's keys are the fields, nothing else goes out). */
function inOrder(dataset: DatasetId, row: Row): Row {
  return Object.fromEntries(FIELDS[dataset].map((f) => [f.name, row[f.name] ?? null]));
}

/** The file's text, piece by piece: the head, then a page of rows per piece, then the end. */
async function* pieces(dataset: DatasetId, format: Format, lng: Lng, now: Date) {
  const fields = FIELDS[dataset];
  if (format === "csv") {
    yield CSV_BOM + csvHeader(fields);
    for await (const page of datasetRows(dataset, now)) {
      yield page.map((row) => csvRecord(fields, row)).join("");
    }
    return;
  }
  const head = JSON.stringify(datasetHead(dataset, lng, now));
  yield `${head.slice(0, -1)},"rows":[`;
  let first = true;
  for await (const page of datasetRows(dataset, now)) {
    if (page.length === 0) continue;
    const text = page.map((row) => JSON.stringify(inOrder(dataset, row))).join(",\n");
    yield `${first ? "\n" : ",\n"}${text}`;
    first = false;
  }
  yield "\n]}\n";
}

function streamOf(source: AsyncGenerator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  // A reader who goes away mid-file cancels the stream while a page is being read: that page is
  // then dropped, not enqueued into the closed stream.
  let cancelled = false;
  return new ReadableStream({
    async pull(controller) {
      try {
        const next = await source.next();
        if (cancelled) return;
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      } catch (e) {
        if (cancelled) return;
        // Headers are gone already: the download breaks off rather than ending as a valid file.
        console.error(e);
        controller.error(e);
      }
    },
    async cancel() {
      cancelled = true;
      await source.return(undefined);
    },
  });
}

const TYPES: Record<Format, string> = {
  csv: "text/csv; charset=utf-8; header=present",
  json: "application/json; charset=utf-8",
};

/** `/open-data/<dataset>.<csv|json>`: the file, or a 404 in the reader's language. */
export function openDataFile(request: Request, file: string | undefined): Response {
  const { lng } = readPreferences(request);
  const named = parseFile(file);
  if (!named) return unknownFile(lng, file ?? "");
  const { dataset, format } = named;
  const now = new Date();
  return new Response(streamOf(pieces(dataset, format, lng, now)), {
    headers: {
      "Content-Type": TYPES[format],
      "Content-Disposition": `attachment; filename="liuhe-${dataset}-${chinaDate(now)}.${format}"`,
      "Cache-Control": CACHE_CONTROL,
      // The JSON describes its fields in the reader's language; the CSV is the same for all.
      ...(format === "json" ? { Vary: "Cookie, Accept-Language" } : {}),
    },
  });
}

/**
 * A file that names no dataset: 404, the message in the reader's language, as JSON for a `.json`
 * address (with the key, as every refusal carries) and as plain text otherwise.
 */
function unknownFile(lng: Lng, file: string): Response {
  const t = fixedT(lng, "openData");
  const key = "openData:errors.unknownDataset";
  const message = t("errors.unknownDataset", { datasets: DATASETS.join(", ") });
  const headers = { "Cache-Control": "no-store" };
  if (file.endsWith(".json")) {
    const body = { error: { key, params: { datasets: DATASETS.join(", ") } }, message };
    return new Response(JSON.stringify(body), {
      status: 404,
      headers: { ...headers, "Content-Type": TYPES.json },
    });
  }
  return new Response(`${message}\n${t("errors.seeList")}\n`, {
    status: 404,
    headers: { ...headers, "Content-Type": "text/plain; charset=utf-8" },
  });
}
