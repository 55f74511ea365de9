/**
 * 民情 (needs): the fixed list of categories a resident files a need under.
 *
 * Why a fixed list in code and not a table: the codes are the Open311 `service_code` values other
 * channels (12345, 96315, 110, labour inspection) send us, and the columns of the heat table, so
 * they must not change with an admin's edit. Add new codes at the end; never rename or reuse one.
 * The labels live in the `need` locale namespace (`need:categories.<code>`). No zod here: the pages'
 * bundle imports this list, and the form's parser (`needCategory`) is in schemas.ts.
 */
export const NEED_CATEGORIES = [
  "environmentSanitation",
  "repairsFacilities",
  "safetyHazard",
  "neighbourDispute",
  "elderlyDisabilityCare",
  "propertyManagement",
  "trafficParking",
  "other",
] as const;
export type NeedCategory = (typeof NEED_CATEGORIES)[number];

/**
 * Categories whose details are private to the reporter and the people handling the need unless the
 * reporter says otherwise: a neighbour dispute names neighbours, and publishing it can make it worse.
 */
export const PRIVATE_BY_DEFAULT: readonly NeedCategory[] = ["neighbourDispute"];

export const isPrivateByDefault = (c: NeedCategory) => PRIVATE_BY_DEFAULT.includes(c);

export const isNeedCategory = (c: unknown): c is NeedCategory =>
  typeof c === "string" && (NEED_CATEGORIES as readonly string[]).includes(c);
