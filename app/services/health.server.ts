import { pingDatabase } from "../../db/client.server";

export async function health(): Promise<{ ok: boolean; database: "ok" | "error" | "unreachable" }> {
  try {
    const ok = await pingDatabase();
    return { ok, database: ok ? "ok" : "error" };
  } catch {
    return { ok: false, database: "unreachable" };
  }
}
