/**
 * The one photo a micro-project may carry, kept as a file on disk rather than in the database so
 * that backups of the database stay small and a photo can be served without a query.
 *
 * Every upload is decoded and re-encoded, never stored as sent: a phone photo carries GPS
 * coordinates, the camera's serial number and sometimes a thumbnail of the uncropped picture, and
 * a file that only claims to be an image could carry anything. Re-encoding keeps only the pixels.
 * It also shrinks the picture to a size that loads on a weak signal in an old-people's flat.
 */
import crypto from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";
import { databaseTarget } from "../../db/client.server";
import { DomainError } from "~/domain/errors";

export const MAX_PHOTO_BYTES = 2 * 1024 * 1024;
/** Longest side of a stored photo: enough for a phone screen, small enough for a slow link. */
const MAX_SIDE = 1024;
const WEBP_QUALITY = 70;
/** A photo's header can claim any size; refuse before libvips allocates memory for the pixels. */
const MAX_DIMENSION = 12_000;
const MAX_INPUT_PIXELS = 50_000_000;
/**
 * Raster formats people actually send. SVG is left out on purpose: it is a document that librsvg
 * renders (fonts, references to other files), not a photo, and has no business being decoded here.
 */
const ACCEPTED_FORMATS = new Set(["jpeg", "png", "webp", "gif", "heif", "tiff"]);
/** The only names readPhoto/deletePhoto will touch, so a name from a URL can never leave the folder. */
const PHOTO_NAME = /^[0-9a-f]{32}\.webp$/;

/** Where photos live: UPLOADS_DIR, or an `uploads` folder beside the database file. */
export function uploadsDir(): string {
  if (process.env.UPLOADS_DIR) return path.resolve(process.env.UPLOADS_DIR);
  const db = databaseTarget();
  // An in-memory or PostgreSQL database has no folder of its own: use where the default file is.
  const dbDir =
    db === ":memory:" || db.includes("://") ? path.resolve("data") : path.dirname(path.resolve(db));
  return path.join(dbDir, "uploads");
}

function notImage(): DomainError {
  return new DomainError(400, "project:errors.photoNotImage", {}, "photo");
}

/** Decodes, cleans and stores a photo; returns its file name (not the path). */
export async function storePhoto(bytes: Uint8Array): Promise<string> {
  // Checked before sharp sees the bytes, so an oversized upload costs no decoding work.
  if (bytes.length > MAX_PHOTO_BYTES)
    throw new DomainError(
      413,
      "project:errors.photoTooBig",
      { max: MAX_PHOTO_BYTES / 1024 / 1024 },
      "photo",
    );
  if (bytes.length === 0) throw notImage();

  const options = {
    limitInputPixels: MAX_INPUT_PIXELS,
    // An animated GIF or multi-page TIFF becomes a still of its first frame.
    pages: 1,
    // "warning" makes a truncated or corrupt file fail instead of being stored half grey.
    failOn: "warning" as const,
  };

  let webp: Buffer;
  try {
    const meta = await sharp(bytes, options).metadata();
    if (!meta.format || !ACCEPTED_FORMATS.has(meta.format)) throw notImage();
    if (!meta.width || !meta.height) throw notImage();
    if (meta.width > MAX_DIMENSION || meta.height > MAX_DIMENSION) throw notImage();
    // No withMetadata()/keepMetadata(): sharp's default output drops EXIF, XMP, IPTC and ICC.
    webp = await sharp(bytes, options)
      .rotate() // the picture is upright after EXIF is gone, as the camera meant it
      .resize(MAX_SIDE, MAX_SIDE, { fit: "inside", withoutEnlargement: true })
      .webp({ quality: WEBP_QUALITY })
      .toBuffer();
  } catch (e) {
    if (e instanceof DomainError) throw e;
    // Anything libvips cannot decode (text, truncated data, too many pixels) is the sender's
    // problem, not a server error.
    throw notImage();
  }

  const dir = uploadsDir();
  await fs.mkdir(dir, { recursive: true });
  const name = `${crypto.randomBytes(16).toString("hex")}.webp`;
  // The temporary name does not match PHOTO_NAME, so a half-written file is never served; rename
  // within one folder is atomic, so the photo appears whole or not at all.
  const tmp = path.join(dir, `.${name}.${process.pid}.tmp`);
  try {
    await fs.writeFile(tmp, webp, { flag: "wx" });
    await fs.rename(tmp, path.join(dir, name));
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
  return name;
}

/** The stored bytes of a photo, or null when the name is not one of ours or the file is gone. */
export async function readPhoto(name: string): Promise<Buffer | null> {
  if (!PHOTO_NAME.test(name)) return null;
  try {
    return await fs.readFile(path.join(uploadsDir(), name));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
}

/** Removes a stored photo; a missing file or a name that is not ours is not an error. */
export async function deletePhoto(name: string | null): Promise<void> {
  if (!name || !PHOTO_NAME.test(name)) return;
  try {
    await fs.unlink(path.join(uploadsDir(), name));
  } catch (e) {
    // Deleting twice (a retried request, a project removed after its photo) must not fail.
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
}
