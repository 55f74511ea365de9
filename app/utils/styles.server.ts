/**
 * Stylesheets. 长辈版 inlines its small stylesheet (one round trip less on a slow line); full mode
 * links a cacheable file whose URL changes with its content.
 */
import { createHash } from "node:crypto";
import liteCss from "../../public/styles/lite.css?raw";
import fullCss from "../../public/styles/full.css?raw";

const version = (css: string) => createHash("sha256").update(css).digest("hex").slice(0, 10);

export const LITE_CSS = liteCss;
export const FULL_CSS_HREF = `/styles/full.css?v=${version(fullCss)}`;
