/** Open311 GeoReport v2 `GET services.json`: the categories a need is filed under. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { open311Services } from "~/services/needs/open311.server";
import { open311Lng } from "~/utils/open311.server";

export function loader({ request }: LoaderFunctionArgs) {
  return json(open311Services(open311Lng(request)));
}
