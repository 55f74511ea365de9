/**
 * The one photo a micro-project may carry, kept in the database (`photos`) so that every process,
 * on every machine, serves every photo, and a backup of the database is a backup of the photos.
 *
 * Every upload is decoded and re-encoded, never stored as sent: a phone photo carries GPS
 * coordinates, the camera's serial number and sometimes a thumbnail of the uncropped picture, and
 * a file that only claims to be an image could carry anything. Re-encoding keeps only the pixels.
 * It also shrinks the picture to a size that loads on a weak signal in an old-people's flat.
 */
import crypto from "node:crypto";
import sharp from "sharp";
import { getDb } from "../../db/client.server";
import { DomainError } from "~/domain/errors";
import type { Db } from "./runner/command.server";

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
/** A re-encoded photo, not yet stored. */
export interface Photo {
  name: string;
  bytes: Buffer;
}

function notImage(): DomainError {
  return new DomainError(400, "project:errors.photoNotImage", {}, "photo");
}

/**
 * Decodes and cleans a photo, and names it; slow, so a command does it before its transaction
 * (`prepare`) and stores the result inside it (`savePhoto`).
 */
export async function encodePhoto(bytes: Uint8Array): Promise<Photo> {
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

  // Random, not content-addressed: two projects with the same picture each own a row to delete.
  return { name: `${crypto.randomBytes(16).toString("hex")}.webp`, bytes: webp };
}

export async function savePhoto(trx: Db, photo: Photo, at: string): Promise<void> {
  await trx
    .insertInto("photos")
    .values({ ...photo, createdAt: at })
    .execute();
}

/** The stored bytes of a photo, or null when there is none by that name. */
export async function readPhoto(name: string, db: Db = getDb()): Promise<Buffer | null> {
  const row = await db
    .selectFrom("photos")
    .select("bytes")
    .where("name", "=", name)
    .executeTakeFirst();
  return row?.bytes ?? null;
}

/** Removes a photo, in the transaction that stops a project from showing it. */
export async function deletePhoto(trx: Db, name: string | null): Promise<void> {
  if (name) await trx.deleteFrom("photos").where("name", "=", name).execute();
}
