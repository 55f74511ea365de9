/** The needs linked to a meeting or a micro-project (labels made by the loader). */
import { Link } from "@remix-run/react";

export function LinkedNeeds({
  view,
}: {
  view: { title: string; items: ReadonlyArray<{ id: number; label: string }> };
}) {
  if (view.items.length === 0) return null;
  return (
    <section aria-labelledby="linked-needs-title">
      <h2 id="linked-needs-title">{view.title}</h2>
      <ul>
        {view.items.map((n) => (
          <li key={n.id}>
            <Link to={`/needs/${n.id}`}>{n.label}</Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
