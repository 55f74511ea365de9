import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, describe, expect, it, vi } from "vitest";
import { getDb } from "../db/client.server";
import { migrations } from "../db/migrations/index";
import { migrateToLatest, migrator } from "../db/migrator";
import { isPostgres } from "../db/portable";
import {
  deletePhoto,
  encodePhoto,
  MAX_PHOTO_BYTES,
  readPhoto,
  savePhoto,
} from "~/services/photos.server";
import { makeCommunity, makeProject } from "./support/factories";
import { refusal } from "./support/refusal";

/** A 3000×2000 JPEG with EXIF, like a phone photo. */
async function bigJpeg(extra: { orientation?: number } = {}): Promise<Buffer> {
  return sharp({ create: { width: 3000, height: 2000, channels: 3, background: "#336699" } })
    .jpeg()
    .withMetadata({ exif: { IFD0: { Copyright: "secret-gps" } }, ...extra })
    .toBuffer();
}

async function expectNotImage(bytes: Uint8Array) {
  const err = await refusal(encodePhoto(bytes));
  expect(err).toMatchObject({ status: 400, key: "project:errors.photoNotImage", field: "photo" });
}

const names = async () =>
  (await getDb().selectFrom("photos").select("name").orderBy("name").execute()).map((r) => r.name);

describe("re-encoding photos", () => {
  it("makes a big JPEG a small WebP with its metadata gone, under a random name", async () => {
    const input = await bigJpeg();
    // The input really carries EXIF, so the check below can fail.
    expect((await sharp(input).metadata()).exif).toBeDefined();

    const { name, bytes } = await encodePhoto(input);
    expect(name).toMatch(/^[0-9a-f]{32}\.webp$/);
    expect((await encodePhoto(input)).name).not.toBe(name);
    const meta = await sharp(bytes).metadata();
    expect(meta.format).toBe("webp");
    expect(meta.width).toBe(1024);
    expect(meta.height).toBe(683);
    expect(meta.exif).toBeUndefined();
    expect(meta.icc).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(bytes.includes("secret-gps")).toBe(false);
  });

  it("turns the picture upright by its EXIF orientation", async () => {
    // Orientation 6: stored landscape, meant to be shown rotated 90° clockwise (portrait).
    const { bytes } = await encodePhoto(await bigJpeg({ orientation: 6 }));
    const meta = await sharp(bytes).metadata();
    expect([meta.width, meta.height]).toEqual([683, 1024]);
    expect(meta.orientation).toBeUndefined();
  });

  it("takes a PNG, and does not enlarge a small picture", async () => {
    const png = await sharp({
      create: { width: 400, height: 300, channels: 4, background: "#ff000080" },
    })
      .png()
      .toBuffer();
    const meta = await sharp((await encodePhoto(png)).bytes).metadata();
    expect(meta).toMatchObject({ format: "webp", width: 400, height: 300 });
  });

  it("keeps only the first frame of an animated GIF", async () => {
    // Frames of different colours: identical frames would be merged by the GIF encoder.
    const frames = await Promise.all(
      ["#ff0000", "#00ff00", "#0000ff"].map((background) =>
        sharp({ create: { width: 50, height: 40, channels: 3, background } })
          .png()
          .toBuffer(),
      ),
    );
    const gif = await sharp(frames, { join: { animated: true } })
      .gif()
      .toBuffer();
    expect((await sharp(gif).metadata()).pages).toBe(3);

    const out = sharp((await encodePhoto(gif)).bytes);
    const meta = await out.metadata();
    // All frames read at once would give a 50×120 strip (or an animated WebP).
    expect([meta.width, meta.height]).toEqual([50, 40]);
    expect(meta.pages ?? 1).toBe(1);
    const { dominant } = await out.stats();
    expect(dominant.r).toBeGreaterThan(200);
    expect(dominant.g).toBeLessThan(50);
  });

  it("refuses text, empty input and a truncated JPEG", async () => {
    await expectNotImage(Buffer.from("hello"));
    await expectNotImage(new Uint8Array(0));
    const jpeg = await bigJpeg();
    await expectNotImage(jpeg.subarray(0, Math.floor(jpeg.length / 2)));
  });

  it("refuses SVG, which is a document rather than a photo", async () => {
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>',
    );
    // sharp itself would read it; the refusal is ours.
    expect((await sharp(svg).metadata()).format).toBe("svg");
    await expectNotImage(svg);
  });

  it("refuses pictures too wide or with too many pixels", async () => {
    const wide = await sharp({
      create: { width: 12_001, height: 8, channels: 3, background: "#000" },
    })
      .png()
      .toBuffer();
    await expectNotImage(wide);
    // 7100 × 7100 is about 50.4 megapixels: under 12000 a side, over the pixel limit.
    const huge = await sharp({
      create: { width: 7100, height: 7100, channels: 3, background: "#000" },
    })
      .png()
      .toBuffer();
    expect(huge.length).toBeLessThan(MAX_PHOTO_BYTES);
    await expectNotImage(huge);
  });

  it("refuses more than 2 MB with 413 before looking at the content", async () => {
    // Garbage bytes: were they decoded first, the answer would be 400, not 413.
    const err = await refusal(encodePhoto(new Uint8Array(MAX_PHOTO_BYTES + 1)));
    expect(err).toMatchObject({
      status: 413,
      key: "project:errors.photoTooBig",
      params: { max: 2 },
      field: "photo",
    });
  });
});

describe("photos in the database", () => {
  it("stores, reads back byte for byte, and deletes", async () => {
    const photo = await encodePhoto(await bigJpeg());
    await savePhoto(getDb(), photo, "2026-12-01T00:00:00.000Z");
    expect(Buffer.compare((await readPhoto(photo.name))!, photo.bytes)).toBe(0);
    expect(await readPhoto(`${"0".repeat(32)}.webp`)).toBeNull();

    await deletePhoto(getDb(), photo.name);
    expect(await readPhoto(photo.name)).toBeNull();
    expect(await names()).not.toContain(photo.name);
    // Deleting twice, or nothing, is harmless.
    await expect(deletePhoto(getDb(), photo.name)).resolves.toBeUndefined();
    await expect(deletePhoto(getDb(), null)).resolves.toBeUndefined();
  });

  it("keeps every byte value (a blob, not text)", async () => {
    const bytes = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256));
    await savePhoto(getDb(), { name: `${"a".repeat(32)}.webp`, bytes }, "2026-12-01T00:00:00Z");
    expect(await readPhoto(`${"a".repeat(32)}.webp`)).toEqual(bytes);
  });
});

// Last: it takes the photos table down and up again.
describe("the migration that moved photos from files into the database", () => {
  const postgres = isPostgres(getDb());
  // Where photos lived: beside the SQLite file by default; PostgreSQL has no file, so UPLOADS_DIR.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "liuhe-uploads-"));
  const dir = postgres
    ? tmp
    : path.join(path.dirname(path.resolve(process.env.DATABASE_PATH!)), "uploads");
  afterAll(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
    delete process.env.UPLOADS_DIR;
  });
  const names32 = (c: string) => `${c.repeat(32)}.webp`;
  const before =
    Object.keys(migrations)[Object.keys(migrations).indexOf("20261201_1500_photos") - 1]!;

  it("copies the files projects name, skips what is missing, and writes them back going down", async () => {
    if (postgres) process.env.UPLOADS_DIR = tmp;
    const db = getDb();
    const down = await (await migrator(db)).migrateTo(before);
    expect(down.error).toBeUndefined();

    const community = await makeCommunity();
    const [kept, lost, none] = [
      await makeProject(community),
      await makeProject(community),
      await makeProject(community),
    ];
    await db
      .updateTable("projects")
      .set({ photo: names32("b") })
      .where("id", "=", kept)
      .execute();
    await db
      .updateTable("projects")
      .set({ photo: names32("c") })
      .where("id", "=", lost)
      .execute();
    fs.mkdirSync(dir, { recursive: true });
    const bytes = Buffer.from([0, 1, 2, 255, 254]);
    fs.writeFileSync(path.join(dir, names32("b")), bytes);
    const mtime = new Date("2026-11-30T08:00:00.000Z");
    fs.utimesSync(path.join(dir, names32("b")), mtime, mtime);
    // A file no project names (left by a crash) stays out.
    fs.writeFileSync(path.join(dir, names32("d")), "stray");

    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    await migrateToLatest(db);
    expect(warn.mock.calls).toEqual([[`photos: 1 project photo(s) not found in ${dir}, left out`]]);
    warn.mockRestore();
    expect(
      await db.selectFrom("photos").selectAll().where("name", "=", names32("b")).execute(),
    ).toEqual([{ name: names32("b"), bytes, createdAt: mtime.toISOString() }]);
    expect(await readPhoto(names32("c"))).toBeNull();
    expect(await readPhoto(names32("d"))).toBeNull();
    // The files stay, as a backup.
    expect(fs.readFileSync(path.join(dir, names32("b")))).toEqual(bytes);

    // A photo added since goes back to a file on the way down; a file already there is kept.
    await db
      .updateTable("projects")
      .set({ photo: names32("e") })
      .where("id", "=", none)
      .execute();
    await savePhoto(db, { name: names32("e"), bytes: Buffer.from("new") }, "2026-12-01T00:00:00Z");
    fs.writeFileSync(path.join(dir, names32("b")), "edited since");
    expect((await (await migrator(db)).migrateTo(before)).error).toBeUndefined();
    expect(fs.readFileSync(path.join(dir, names32("e")), "utf8")).toBe("new");
    expect(fs.readFileSync(path.join(dir, names32("b")), "utf8")).toBe("edited since");
    await migrateToLatest(db);
    expect(await readPhoto(names32("e"))).toEqual(Buffer.from("new"));
  });
});
