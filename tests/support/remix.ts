/** Calling route loaders and actions directly, as Remix would, with a real Request. */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";

type Handler = (
  args: ActionFunctionArgs | LoaderFunctionArgs,
) => Promise<Response> | Response | Promise<unknown>;

export function formRequest(
  path: string,
  fields: Record<string, string | string[]> | string,
  headers: Record<string, string> = {},
): Request {
  let body: string;
  if (typeof fields === "string") body = fields;
  else {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const x of [v].flat()) params.append(k, x);
    body = params.toString();
  }
  return new Request(`http://localhost${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
    body,
  });
}

/** Run a loader or action; thrown Responses (redirects, refusals) are returned, not thrown. */
export async function run(
  handler: Handler,
  request: Request,
  params: Record<string, string> = {},
): Promise<Response> {
  try {
    const result = await handler({ request, params, context: { clientIp: "127.0.0.1" } });
    if (result instanceof Response) return result;
    throw new Error("handler returned a non-Response");
  } catch (e) {
    if (e instanceof Response) return e;
    throw e;
  }
}

export async function body<T = Record<string, unknown>>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

/** A poll ballot as the poll page's form posts it: one option, signed in by `cookie`. */
export function ballotRequest(pollId: number, option: number, cookie: string): Request {
  return formRequest(
    `/polls/${pollId}?index`,
    { intent: "vote", choice: String(option) },
    { Cookie: cookie },
  );
}
