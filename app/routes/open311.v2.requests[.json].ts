/**
 * Open311 GeoReport v2 `requests.json`: GET lists needs' public fields (filters `service_code`,
 * `status`, `start_date`, `end_date`, `service_request_id`); POST, with a channel's `api_key`,
 * sends a need in (the `intakeNeed` command). Neither reads the session: what the API shows is
 * what anyone may see, whoever asks, and a key is the only thing that writes.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { isNeedCategory, type NeedCategory } from "~/domain/needs/categories";
import { intakeSchema } from "~/domain/needs/intake";
import { fieldErrors } from "~/domain/validation";
import { fixedT } from "~/i18n/i18next.server";
import { intakeNeed } from "~/services/needs/intake.server";
import { intakeActor, open311Requests, type RequestFilters } from "~/services/needs/open311.server";
import { run } from "~/services/runner/command.server";
import { open311Error, open311Lng, open311Refusal, readOpen311Body } from "~/utils/open311.server";

/** A comma-delimited parameter (the spec's way to ask for several), or undefined when absent. */
const listOf = (url: URL, name: string) => {
  const raw = url.searchParams.getAll(name).join(",").trim();
  return raw === "" ? undefined : raw.split(",").map((s) => s.trim());
};

/** A W3C/ISO 8601 date (2026-12-02) or time with its zone (2026-12-02T08:00:00+08:00). */
function isoDate(raw: string | null): Date | undefined | null {
  if (raw === null || raw.trim() === "") return undefined;
  const v = raw.trim();
  const shaped =
    /^\d{4}-\d{2}-\d{2}$/.test(v) ||
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(v);
  const d = new Date(v.length === 10 ? `${v}T00:00:00Z` : v);
  return shaped && !Number.isNaN(d.getTime()) ? d : null;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const lng = open311Lng(request);
  const url = new URL(request.url);
  const filters: RequestFilters = {};
  const codes = listOf(url, "service_code");
  if (codes) {
    if (!codes.every(isNeedCategory)) {
      return open311Error(400, "need:intake.errors.unknownServiceCode", lng, {}, "service_code");
    }
    filters.serviceCodes = codes as NeedCategory[];
  }
  const statuses = listOf(url, "status");
  if (statuses) {
    if (!statuses.every((s) => s === "open" || s === "closed")) {
      return open311Error(400, "need:intake.errors.badStatus", lng, {}, "status");
    }
    filters.statuses = statuses as Array<"open" | "closed">;
  }
  const ids = listOf(url, "service_request_id");
  if (ids) {
    if (!ids.every((s) => /^\d{1,15}$/.test(s)) || ids.length > 1000) {
      return open311Error(400, "need:intake.errors.badRequestId", lng, {}, "service_request_id");
    }
    filters.ids = ids.map(Number);
  }
  for (const [name, key] of [
    ["start_date", "start"],
    ["end_date", "end"],
  ] as const) {
    const d = isoDate(url.searchParams.get(name));
    if (d === null) return open311Error(400, "need:intake.errors.badDate", lng, {}, name);
    if (d) filters[key] = d;
  }
  if (filters.start && filters.end && filters.start > filters.end) {
    return open311Error(400, "need:intake.errors.datesReversed", lng, {}, "end_date");
  }
  return json(await open311Requests(filters, lng));
}

export async function action({ request }: ActionFunctionArgs) {
  const lng = open311Lng(request);
  if (request.method !== "POST") {
    return open311Error(405, "errors.methodNotAllowed", lng);
  }
  let fields: Record<string, unknown>;
  try {
    fields = await readOpen311Body(request, lng);
  } catch (e) {
    if (e instanceof Response) return e;
    throw e;
  }
  // In the body only, as the spec has it: a key in the address would be kept in access logs.
  const apiKey = fields.api_key ?? "";
  if (typeof apiKey !== "string" || apiKey === "") {
    return open311Error(401, "need:intake.errors.keyRequired", lng, {}, "api_key");
  }
  const actor = await intakeActor(apiKey);
  if (!actor) return open311Error(401, "need:intake.errors.badKey", lng, {}, "api_key");
  const parsed = intakeSchema.safeParse(fields);
  if (!parsed.success) {
    const [field, err] = Object.entries(fieldErrors(parsed.error))[0]!;
    return open311Error(400, err.key, lng, err.params ?? {}, field);
  }
  try {
    const { needId, created } = await run(intakeNeed, actor, parsed.data);
    const t = fixedT(lng, "need");
    return json([{ service_request_id: String(needId), service_notice: t("intake.notice") }], {
      status: created ? 201 : 200,
    });
  } catch (e) {
    return open311Refusal(e, lng);
  }
}
