/**
 * 民情 boards: the choices a board's GET form offers. Here and not in the queries because the
 * page's component renders them, and a route component may not import a `*.server` module (the
 * client build refuses it).
 */
import { NEED_STATUSES } from "./machine";

export const NEEDS_PAGE = 20;
export const NEED_SORTS = ["newest", "intensity", "oldest"] as const;
export type NeedSort = (typeof NEED_SORTS)[number];
/** The board's status filter: open or closed as a whole, or one status. */
export const STATUS_FILTERS = ["open", "done", "toDispatch", "all", ...NEED_STATUSES] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];
