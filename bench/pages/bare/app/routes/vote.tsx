/**
 * The bare action: what a Remix action that only reads its form costs (the ceiling of the
 * ballots benchmark). It reads the same form a ballot sends and answers with a receipt, as a
 * ballot's action does, with nothing else: no session, no policy, no database.
 */
import { json, type ActionFunctionArgs } from "@remix-run/node";
import { randomUUID } from "node:crypto";

export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const choices = form.getAll("choice").map(Number);
  return json({ receipt: randomUUID(), choices });
}

export default function Vote() {
  return <p>vote</p>;
}
