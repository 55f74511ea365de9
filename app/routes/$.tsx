import { notFound } from "~/utils/forms.server";

/** Any unknown URL: a translated 404 page from the root error boundary. */
export async function loader() {
  notFound();
}

export async function action() {
  notFound();
}

export default function NotFound() {
  return null;
}
