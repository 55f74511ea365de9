/** /notifications as a browser gets it (the root's header and the inbox), for the route tests. */
import { createRequestHandler } from "@remix-run/node";
import { expect } from "vitest";
import * as root from "~/root";
import * as notificationsRoute from "~/routes/notifications";
import { routesBuild } from "./builds";
import { cookieFor } from "./factories";

const handler = createRequestHandler(
  routesBuild({
    root: ["", undefined, root],
    "routes/notifications": ["notifications", "root", notificationsRoute],
  }),
);

/** The inbox page of a person in a language and a mode (`full` or `lite`), as sent. */
export async function inboxPage(lng: string, mode: string, userId: number): Promise<string> {
  const cookie = [`lng=${lng}`, `mode=${mode}`, await cookieFor(userId)].join("; ");
  const res = await handler(
    new Request("http://localhost/notifications", { headers: { Cookie: cookie } }),
  );
  expect(res.status).toBe(200);
  const html = await res.text();
  expect(html).not.toContain("\0");
  return html;
}
