/**
 * 民情 (needs), the Open311 GeoReport v2 reads (issue 15, item 8): the key behind a request, the
 * service list (our categories), and the public view of needs. Personal data never leaves here:
 * the rows carry no reporter, resident or staff, and a need's text (description, place, notes,
 * picture) only when the need is public, as the board shows it to anyone.
 */
import { getDb } from "../../../db/client.server";
import { NEED_CATEGORIES, type NeedCategory } from "~/domain/needs/categories";
import {
  OPEN311_CLOSED,
  OPEN311_DEFAULT_DAYS,
  OPEN311_LIST_MAX,
  open311Status,
} from "~/domain/needs/intake";
import type { NeedStatus } from "~/domain/needs/machine";
import type { Actor } from "~/domain/permissions/policy";
import { ANONYMOUS } from "~/domain/permissions/policy";
import type { Lng } from "~/i18n/config";
import { fixedT } from "~/i18n/i18next.server";
import { hashKey } from "./intake.server";

/** The actor a key stands for, or null for a key that is unknown or revoked. */
export async function intakeActor(apiKey: string): Promise<Actor | null> {
  if (apiKey.length === 0 || apiKey.length > 200) return null;
  const key = await getDb()
    .selectFrom("intakeKeys")
    .select(["id", "channel"])
    .where("keyHash", "=", hashKey(apiKey))
    .where("revokedAt", "is", null)
    .executeTakeFirst();
  return key ? { ...ANONYMOUS, intakeKey: { id: key.id, channel: key.channel } } : null;
}

/** The keys page: every key, newest first; the hashes stay in the database. */
export async function intakeKeys() {
  return getDb()
    .selectFrom("intakeKeys")
    .leftJoin("users", "users.id", "intakeKeys.createdBy")
    .select([
      "intakeKeys.id",
      "intakeKeys.channel",
      "intakeKeys.label",
      "intakeKeys.createdAt",
      "intakeKeys.revokedAt",
      "users.displayName as createdByName",
    ])
    .orderBy("intakeKeys.revokedAt", (ob) => ob.nullsFirst())
    .orderBy("intakeKeys.id", "desc")
    .execute();
}

/** `GET services.json`: one service per category, named in the reader's language. */
export function open311Services(lng: Lng) {
  const t = fixedT(lng, "need");
  return NEED_CATEGORIES.map((code) => ({
    service_code: code,
    service_name: t(`categories.${code}`),
    description: t(`intake.services.${code}`),
    metadata: false,
    type: "realtime",
    keywords: t(`intake.keywords.${code}`),
    group: t("intake.group"),
  }));
}

export interface RequestFilters {
  ids?: number[];
  serviceCodes?: NeedCategory[];
  statuses?: Array<"open" | "closed">;
  start?: Date;
  end?: Date;
}

/** One request as Open311 shows it. */
export interface Open311Request {
  service_request_id: string;
  status: "open" | "closed";
  status_notes: string | null;
  service_name: string;
  service_code: NeedCategory;
  description: string | null;
  agency_responsible: string | null;
  service_notice: string | null;
  requested_datetime: string;
  updated_datetime: string;
  expected_datetime: string | null;
  address: string;
  address_id: string;
  media_url: string | null;
}

/**
 * `GET requests.json` and `GET requests/:id.json`: the newest first, at most 1000; without dates,
 * the last 90 days (the spec's default). A merged need reads as closed.
 */
export async function open311Requests(
  filters: RequestFilters,
  lng: Lng,
  now = new Date(),
): Promise<Open311Request[]> {
  const db = getDb();
  let q = db
    .selectFrom("needs")
    .innerJoin("areas as community", "community.id", "needs.communityId")
    .innerJoin("areas as grid", "grid.id", "needs.gridId")
    .leftJoin("needUnits", "needUnits.id", "needs.unitId")
    .select([
      "needs.id",
      "needs.category",
      "needs.status",
      "needs.isPublic",
      "needs.place",
      "needs.description",
      "needs.mediaUrl",
      "needs.statusNote",
      "needs.deadlineAt",
      "needs.createdAt",
      "needs.updatedAt",
      "community.nameZh as communityZh",
      "community.nameEn as communityEn",
      "grid.nameZh as gridZh",
      "grid.nameEn as gridEn",
      "grid.code as gridCode",
      "needUnits.name as unitName",
    ]);
  if (filters.ids) q = q.where("needs.id", "in", filters.ids.length ? filters.ids : [-1]);
  else {
    const start =
      filters.start ??
      new Date((filters.end ?? now).getTime() - OPEN311_DEFAULT_DAYS * 24 * 60 * 60_000);
    q = q.where("needs.createdAt", ">=", start.toISOString());
    if (filters.end) q = q.where("needs.createdAt", "<=", filters.end.toISOString());
  }
  if (filters.serviceCodes?.length) q = q.where("needs.category", "in", filters.serviceCodes);
  const statuses = new Set(filters.statuses ?? []);
  if (statuses.size === 1) {
    q = statuses.has("closed")
      ? q.where("needs.status", "in", OPEN311_CLOSED as NeedStatus[])
      : q.where("needs.status", "not in", OPEN311_CLOSED as NeedStatus[]);
  }
  const rows = await q
    .orderBy("needs.createdAt", "desc")
    .orderBy("needs.id", "desc")
    .limit(OPEN311_LIST_MAX)
    .execute();
  const publicIds = rows.filter((r) => r.isPublic === 1).map((r) => r.id);
  // A public need's latest note (what was done, why it was returned), as its page shows it.
  const notes = new Map<number, string>();
  if (publicIds.length > 0) {
    const steps = await db
      .selectFrom("needSteps")
      .select(["needId", "note"])
      .where("needId", "in", publicIds)
      .where("note", "is not", null)
      .orderBy("id")
      .execute();
    for (const s of steps) notes.set(s.needId, s.note!);
  }
  const t = fixedT(lng, "need");
  return rows.map((r) => {
    const shown = r.isPublic === 1;
    const places = lng === "en" ? [r.communityEn, r.gridEn] : [r.communityZh, r.gridZh];
    if (shown && r.place) places.push(r.place);
    return {
      service_request_id: String(r.id),
      status: open311Status(r.status),
      status_notes: shown ? (r.statusNote ?? notes.get(r.id) ?? null) : null,
      service_name: t(`categories.${r.category}`),
      service_code: r.category,
      description: shown ? r.description : null,
      agency_responsible: r.unitName,
      service_notice: null,
      requested_datetime: r.createdAt,
      updated_datetime: r.updatedAt,
      expected_datetime: open311Status(r.status) === "open" ? r.deadlineAt : null,
      address: places.join(" · "),
      address_id: r.gridCode,
      media_url: shown ? r.mediaUrl : null,
    };
  });
}
