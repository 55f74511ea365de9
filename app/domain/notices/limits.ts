/**
 * Notices' numbers, apart from the kinds so that the header (on every page) carries only these and
 * not the kinds' sentences and links.
 */

/** Notices a page of /notifications lists at once. */
export const NOTICES_PER_PAGE = 20;
/** The header says "99+" past this: the count is a cheap bounded read, not a full count. */
export const UNREAD_SHOWN_MAX = 99;
/** The printed "my notices" sheet: the newest this many (a few pages of A4 at most). */
export const NOTICES_PRINTED = 40;
/** The header's small live list: the newest this many. */
export const NOTICES_LATEST = 5;
/** A digest's page lists at most this many of what it gathered (a day's worth is far fewer). */
export const DIGEST_SHOWN_MAX = 500;
