/**
 * For the tests of kept reads (services/shown.server.ts): every other test file reads afresh
 * (PAGE_CACHE_MS=0, tests/setup/fresh-db.ts); these keep them for the whole file, long enough that
 * only the events can explain a fresh page.
 */
import { afterAll, beforeAll } from "vitest";

export function keepShownReads(ms = "600000") {
  const was = process.env.PAGE_CACHE_MS;
  beforeAll(() => {
    process.env.PAGE_CACHE_MS = ms;
  });
  afterAll(() => {
    process.env.PAGE_CACHE_MS = was;
  });
}
