import { json } from "@remix-run/node";
import { health } from "~/services/health.server";

export async function loader() {
  const h = await health();
  return json(
    { status: h.ok ? "ok" : "error", database: h.database },
    { status: h.ok ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
}
