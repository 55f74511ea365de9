/**
 * Kept reads in groups (services/shown.server.ts, `groupedShownReads`; a street's need boards use
 * them): a read is kept per group and key, an event drops its whole group and no other, at most
 * `maxPerGroup` reads are kept per group, and a failed read is not kept.
 */
import { describe, expect, it, vi } from "vitest";
import { keepShownReads } from "./support/shown";
import { emitEvent } from "~/services/events.server";
import { groupedShownReads } from "~/services/shown.server";

keepShownReads();

let made = 0;

/** Reads that answer which call they were; an `index.changed` event drops group 1. */
function counted(maxPerGroup = Infinity) {
  let calls = 0;
  const load = vi.fn(async (group: number, key: { page: number; who: string }) => {
    if (key.who === "fail") throw new Error("database away");
    return `${group}/${key.page}#${++calls}`;
  });
  const read = groupedShownReads(
    `grouped-${++made}`,
    load,
    (key) => String(key.page),
    (e): number | null => (e.type === "index.changed" ? 1 : null),
    maxPerGroup,
  );
  return { load, read };
}

describe("groupedShownReads", () => {
  it("keeps a read per group and key, whoever asks", async () => {
    const { load, read } = counted();
    expect(await read(1, { page: 1, who: "a" })).toBe("1/1#1");
    // Another asker of the same key (keyOf leaves `who` out): the same read.
    expect(await read(1, { page: 1, who: "b" })).toBe("1/1#1");
    expect(await read(1, { page: 2, who: "a" })).toBe("1/2#2");
    expect(await read(2, { page: 1, who: "a" })).toBe("2/1#3");
    expect(load).toHaveBeenCalledTimes(3);
  });

  it("drops a whole group on its event, and no other group", async () => {
    const { read } = counted();
    await read(1, { page: 1, who: "a" });
    await read(1, { page: 2, who: "a" });
    await read(2, { page: 1, who: "a" });
    emitEvent({ type: "index.changed" });
    expect(await read(1, { page: 1, who: "a" })).toBe("1/1#4");
    expect(await read(1, { page: 2, who: "a" })).toBe("1/2#5");
    expect(await read(2, { page: 1, who: "a" })).toBe("2/1#3");
  });

  it("keeps at most maxPerGroup reads a group; past that each is read again", async () => {
    const { read } = counted(2);
    await read(1, { page: 1, who: "a" });
    await read(1, { page: 2, who: "a" });
    expect(await read(1, { page: 3, who: "a" })).toBe("1/3#3");
    expect(await read(1, { page: 3, who: "a" })).toBe("1/3#4");
    // The kept ones stay; another group has room of its own.
    expect(await read(1, { page: 1, who: "a" })).toBe("1/1#1");
    expect(await read(2, { page: 3, who: "a" })).toBe("2/3#5");
    expect(await read(2, { page: 3, who: "a" })).toBe("2/3#5");
  });

  it("keeps no failed read", async () => {
    const { load, read } = counted();
    await expect(read(1, { page: 1, who: "fail" })).rejects.toThrow("database away");
    expect(await read(1, { page: 1, who: "a" })).toBe("1/1#1");
    expect(load).toHaveBeenCalledTimes(2);
  });
});
