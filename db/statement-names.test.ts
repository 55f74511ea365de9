import { describe, expect, it } from "vitest";
import { AUTO_NAMES, COUNTED, NAME_AFTER, statementName } from "./prepared";

// The names statements run under on PostgreSQL (db/client.server.ts's pool asks for each text).
// This file's own module state: vitest gives each test file its own modules.
describe("statement names for texts that run often", () => {
  const runTimes = (text: string, n: number) =>
    Array.from({ length: n }, () => statementName(text)).at(-1);

  it("names a read or a write on its third run, the same name ever after, never a begin or DDL", () => {
    expect(NAME_AFTER).toBe(3);
    const text = 'select "id" from "users" where "id" = $1';
    expect(statementName(text)).toBeUndefined();
    expect(statementName(text)).toBeUndefined();
    const name = statementName(text);
    expect(name).toMatch(/^liuhe_auto_\d+$/);
    expect(runTimes(text, 5)).toBe(name);
    const update = 'update "users" set "name" = $1 where "id" = $2';
    expect(runTimes(update, 3)).toMatch(/^liuhe_auto_\d+$/);
    expect(runTimes(update, 1)).not.toBe(name);
    for (const other of [
      "begin",
      "commit",
      "create table x (id int)",
      "set local x = 1",
      "analyze",
    ])
      expect(runTimes(other, 10)).toBeUndefined();
    // A `*` column list would break after a migration adds a column; `count(*)` is one column.
    for (const star of [
      'select * from "areas" where "id" = $1',
      'select "room_messages".*, "users"."display_name" as "author" from "room_messages"',
      'insert into "t" ("a") values ($1) returning *',
      'select "s"."t".* from "s"."t"',
    ])
      expect(runTimes(star, 10)).toBeUndefined();
    expect(runTimes('select count(*) as "n" from "users"', 3)).toMatch(/^liuhe_auto_\d+$/);
  });

  it("counts at most COUNTED texts at once: one-off texts start the counts again", () => {
    const hot = "select 'hot' as h";
    runTimes(hot, 2);
    for (let i = 0; i < COUNTED; i++) statementName(`select ${i} as one_off`);
    // Its two runs were forgotten: it needs three again.
    expect(runTimes(hot, 1)).toBeUndefined();
    expect(runTimes(hot, 2)).toMatch(/^liuhe_auto_\d+$/);
  });

  it("gives at most AUTO_NAMES names in a process; after that, new texts run unnamed", () => {
    const names = new Set<string>();
    for (let i = 0; i < AUTO_NAMES + 50; i++) {
      const name = runTimes(`select ${i} as many`, 3);
      if (name) names.add(name);
    }
    expect(names.size).toBeGreaterThan(AUTO_NAMES - 10);
    expect(names.size).toBeLessThanOrEqual(AUTO_NAMES);
    expect(runTimes("select 'late' as l", 10)).toBeUndefined();
    // A text named before keeps its name.
    expect(runTimes("select 'hot' as h", 1)).toMatch(/^liuhe_auto_\d+$/);
  });
});
