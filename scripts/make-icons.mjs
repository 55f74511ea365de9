/**
 * Makes the site's icons from public/favicon.svg: public/favicon.ico (16, 32 and 48 px PNGs in
 * one ICO, for browsers and tools that ask for /favicon.ico without reading the page) and
 * public/apple-touch-icon.png (180×180, square and opaque: iOS rounds the corners itself).
 * The outputs are committed; run `node scripts/make-icons.mjs` again after changing the SVG.
 */
import fs from "node:fs";
import sharp from "sharp";

const svg = fs.readFileSync("public/favicon.svg", "utf8");

/** The SVG as a PNG of `size` px; `square` drops the rounded corners. */
function png(size, square = false) {
  const image = sharp(Buffer.from(square ? svg.replace(/ rx="[\d.]+"/, "") : svg), {
    density: 72 * (size / 64),
  }).resize(size, size);
  return (square ? image.flatten() : image).png({ compressionLevel: 9 }).toBuffer();
}

/** An ICO holding PNG images (read by every browser since 2007), each entry 16 bytes. */
function ico(images) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // 1: icon
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + 16 * images.length;
  const entries = images.map(({ size, data }) => {
    const e = Buffer.alloc(16);
    e.writeUInt8(size >= 256 ? 0 : size, 0);
    e.writeUInt8(size >= 256 ? 0 : size, 1);
    e.writeUInt16LE(1, 4); // colour planes
    e.writeUInt16LE(32, 6); // bits per pixel
    e.writeUInt32LE(data.length, 8);
    e.writeUInt32LE(offset, 12);
    offset += data.length;
    return e;
  });
  return Buffer.concat([header, ...entries, ...images.map((i) => i.data)]);
}

const sizes = [16, 32, 48];
const images = await Promise.all(sizes.map(async (size) => ({ size, data: await png(size) })));
fs.writeFileSync("public/favicon.ico", ico(images));
fs.writeFileSync("public/apple-touch-icon.png", await png(180, true));
console.log(
  `favicon.ico ${fs.statSync("public/favicon.ico").size} B, apple-touch-icon.png ${fs.statSync("public/apple-touch-icon.png").size} B`,
);
