/** 民情 in tests: the clock, and reporting and stepping a need as the forms do. */
import type { z } from "zod";
import { getDb } from "../../db/client.server";
import type { Action, Actor } from "~/domain/permissions/policy";
import { reportNeed, takeNeedStep } from "~/services/needs/commands.server";
import { run, type Command } from "~/services/runner/command.server";

export const DAY = 86_400_000;
/** A Monday morning in China (02:00 UTC), far from holidays: working days are plain. */
export const MONDAY = new Date("2026-06-08T02:00:00Z");
export const later = (days: number, from = MONDAY) => new Date(from.getTime() + days * DAY);

/** Parses raw form fields with the command's own schema, then runs it, as the form adapter does. */
export function send<S extends z.ZodTypeAny, L, R, A extends Action, P>(
  cmd: Command<S, L, R, A, P>,
  actor: Actor,
  raw: Record<string, unknown>,
  now = MONDAY,
): Promise<R> {
  return run(cmd, actor, cmd.input.parse(raw) as z.output<S>, { now });
}

/** A person's login, to appoint them by it. */
export async function username(userId: number) {
  const u = await getDb()
    .selectFrom("users")
    .select("username")
    .where("id", "=", userId)
    .executeTakeFirstOrThrow();
  return u.username!;
}

/** The street a community belongs to. */
export async function streetOf(communityId: number) {
  const c = await getDb()
    .selectFrom("areas")
    .select("parentId")
    .where("id", "=", communityId)
    .executeTakeFirstOrThrow();
  return c.parentId!;
}

/** A broken stair light reported in a grid (public, with a place), unless `over` says otherwise. */
export const reportIn = (
  place: { community: number; grid: number },
  who: Actor,
  over: Record<string, unknown> = {},
  now = MONDAY,
) =>
  send(
    reportNeed,
    who,
    {
      communityId: String(place.community),
      gridId: String(place.grid),
      category: "repairsFacilities",
      place: "3幢2单元",
      description: "楼道灯坏了一个多月，晚上上下楼很危险。",
      ...over,
    },
    now,
  ) as Promise<number>;

/** One step of a need's loop, with its form's extra fields. */
export const stepOf = (
  needId: number,
  who: Actor,
  s: string,
  extra: Record<string, unknown> = {},
  now = MONDAY,
) =>
  send(takeNeedStep, who, { needId: String(needId), step: s, ...extra }, now) as Promise<{
    status: string;
  }>;
