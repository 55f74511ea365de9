/**
 * Stand-in on the index-pages branch, replaced at merge by the measures branch: the contract's
 * exports (issue 17), so the pages can call `measureRecords`. Here it finds no records; the
 * measures branch's file answers with the records behind each measure.
 */
import type { MeasureId } from "~/domain/index/catalogue";
import type { Db } from "~/services/runner/command.server";

export type RawFigure = {
  value: number | null;
  numerator: number | null;
  denominator: number | null;
};

export interface MeasureRecord {
  kind:
    | "meeting"
    | "commitment"
    | "project"
    | "need"
    | "poll"
    | "round"
    | "membership"
    | "organisation"
    | "participation";
  id: number | null;
  title: string;
  at: string | null;
  counts: boolean;
  note?: string;
}

export async function rawFigures(
  _db: Db,
  _month: string,
  _communityIds?: number[],
): Promise<Map<number, Record<MeasureId, RawFigure>>> {
  return new Map();
}

export async function verifiedResidents(
  _db: Db,
  _month: string,
  _communityIds?: number[],
): Promise<Map<number, number>> {
  return new Map();
}

export async function measureRecords(
  _db: Db,
  _measure: MeasureId,
  _communityId: number,
  _month: string,
  _limit?: number,
): Promise<{ total: number; records: MeasureRecord[] }> {
  return { total: 0, records: [] };
}
