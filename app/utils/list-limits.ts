/**
 * The longest search a list page reads; its search box says the same. Apart from list-params.ts,
 * which parses with zod: the pages' bundle imports this number, and zod must not come with it.
 */
export const QUERY_MAX = 100;
