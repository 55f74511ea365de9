/**
 * Stylesheets. 长辈版 inlines its small stylesheet (one round trip less on a slow line); full mode
 * links a cacheable file whose URL changes with its content.
 */
import { createHash } from "node:crypto";
import liteCss from "../../public/styles/lite.css?raw";
import fullCss from "../../public/styles/full.css?raw";

const version = (css: string) => createHash("sha256").update(css).digest("hex").slice(0, 10);

/** Comments and layout whitespace cost bytes on every 长辈版 page, where the CSS is inline. */
function minifyCss(css: string): string {
  return css
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/\s+/g, " ")
    .replace(/\s*([{}:;,>])\s*/g, "$1")
    .replace(/;}/g, "}")
    .trim();
}

export const LITE_CSS = minifyCss(liteCss);
export const FULL_CSS_HREF = `/styles/full.css?v=${version(fullCss)}`;
