import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import {
  deletePhoto,
  MAX_PHOTO_BYTES,
  readPhoto,
  storePhoto,
  uploadsDir,
} from "~/services/photos.server";
import { refusal } from "./support/refusal";

// Photos of this file go to a folder of their own, never to ./data/uploads.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "liuhe-photos-"));
process.env.UPLOADS_DIR = dir;

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const files = () => fs.readdirSync(dir).sort();

/** A 3000×2000 JPEG with EXIF, like a phone photo. */
async function bigJpeg(extra: { orientation?: number } = {}): Promise<Buffer> {
  return sharp({ create: { width: 3000, height: 2000, channels: 3, background: "#336699" } })
    .jpeg()
    .withMetadata({ exif: { IFD0: { Copyright: "secret-gps" } }, ...extra })
    .toBuffer();
}

async function expectNotImage(bytes: Uint8Array) {
  const before = files();
  const err = await refusal(storePhoto(bytes));
  expect(err).toMatchObject({ status: 400, key: "project:errors.photoNotImage", field: "photo" });
  expect(files()).toEqual(before);
}

describe("storing photos", () => {
  beforeEach(() => {
    for (const f of files()) fs.rmSync(path.join(dir, f));
  });

  it("uses UPLOADS_DIR when set", () => {
    expect(uploadsDir()).toBe(path.resolve(dir));
  });

  it("stores a big JPEG as a small WebP with its metadata gone", async () => {
    const input = await bigJpeg();
    // The input really carries EXIF, so the check below can fail.
    expect((await sharp(input).metadata()).exif).toBeDefined();

    const name = await storePhoto(input);
    expect(name).toMatch(/^[0-9a-f]{32}\.webp$/);
    // Only the finished photo is left: no temporary file beside it.
    expect(files()).toEqual([name]);

    const out = fs.readFileSync(path.join(dir, name));
    const meta = await sharp(out).metadata();
    expect(meta.format).toBe("webp");
    expect(Math.max(meta.width!, meta.height!)).toBe(1024);
    expect(meta.width).toBe(1024);
    expect(meta.height).toBe(683);
    expect(meta.exif).toBeUndefined();
    expect(meta.icc).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(out.includes("secret-gps")).toBe(false);
  });

  it("turns the picture upright by its EXIF orientation", async () => {
    // Orientation 6: stored landscape, meant to be shown rotated 90° clockwise (portrait).
    const name = await storePhoto(await bigJpeg({ orientation: 6 }));
    const meta = await sharp(fs.readFileSync(path.join(dir, name))).metadata();
    expect([meta.width, meta.height]).toEqual([683, 1024]);
    expect(meta.orientation).toBeUndefined();
  });

  it("stores a PNG, and does not enlarge a small picture", async () => {
    const png = await sharp({
      create: { width: 400, height: 300, channels: 4, background: "#ff000080" },
    })
      .png()
      .toBuffer();
    const name = await storePhoto(png);
    const meta = await sharp(fs.readFileSync(path.join(dir, name))).metadata();
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

    const name = await storePhoto(gif);
    const out = sharp(fs.readFileSync(path.join(dir, name)));
    const meta = await out.metadata();
    // All frames read at once would give a 50×120 strip (or an animated WebP).
    expect([meta.width, meta.height]).toEqual([50, 40]);
    expect(meta.pages ?? 1).toBe(1);
    const { dominant } = await out.stats();
    expect(dominant.r).toBeGreaterThan(200);
    expect(dominant.g).toBeLessThan(50);
  });

  it("refuses text, empty input and a truncated JPEG, writing nothing", async () => {
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
    const err = await refusal(storePhoto(new Uint8Array(MAX_PHOTO_BYTES + 1)));
    expect(err).toMatchObject({
      status: 413,
      key: "project:errors.photoTooBig",
      params: { max: 2 },
      field: "photo",
    });
    expect(files()).toEqual([]);
  });
});

describe("reading and deleting photos", () => {
  it("reads back the stored bytes, and refuses names that are not ours", async () => {
    const name = await storePhoto(await bigJpeg());
    const stored = fs.readFileSync(path.join(dir, name));
    expect(await readPhoto(name)).toEqual(stored);

    // A file in the folder under a name we never give out, and paths that leave the folder.
    fs.writeFileSync(path.join(dir, "x.webp"), "not ours");
    expect(await readPhoto("x.webp")).toBeNull();
    expect(await readPhoto("../etc/passwd")).toBeNull();
    expect(await readPhoto(`../${path.basename(dir)}/${name}`)).toBeNull();
    expect(await readPhoto(name.toUpperCase())).toBeNull();
    expect(await readPhoto(`${"0".repeat(32)}.webp`)).toBeNull();
  });

  it("deletes a photo, and ignores a missing one or a foreign name", async () => {
    const name = await storePhoto(await bigJpeg());
    await deletePhoto(name);
    expect(fs.existsSync(path.join(dir, name))).toBe(false);
    expect(await readPhoto(name)).toBeNull();
    await expect(deletePhoto(name)).resolves.toBeUndefined();
    await expect(deletePhoto(null)).resolves.toBeUndefined();

    fs.writeFileSync(path.join(dir, "x.webp"), "not ours");
    await deletePhoto("x.webp");
    expect(fs.existsSync(path.join(dir, "x.webp"))).toBe(true);
  });
});
