/**
 * The bare page: about 15 KB of HTML (a list of projects, as Liuhe's pages have, plus Remix's
 * hydration scripts), static: no loader, no data, no translations. What a Remix page of that size
 * costs to render and serve.
 */
import type { MetaFunction } from "@remix-run/node";

export const meta: MetaFunction = () => [{ title: "六和议事 Liuhe: bare page" }];

const ITEMS = Array.from({ length: 30 }, (_, i) => ({
  id: i + 1,
  title: `社区微实事项目 ${i + 1}：楼道照明与加装扶手 / Stairwell lights and handrails`,
  summary:
    "居民提出在老旧楼道加装感应灯和扶手，方便老人上下楼。 Residents ask for motion lights and handrails in the old stairwells.",
  community: ["东坡路社区", "青年路社区", "清波门社区", "劳动路社区"][i % 4]!,
  budget: 12_000 + i * 1_500,
  status: ["已提交", "审核中", "已通过", "实施中"][i % 4]!,
}));

export default function BarePage() {
  return (
    <section aria-labelledby="title">
      <h1 id="title">项目 Projects</h1>
      <p>All the projects of the district, newest first.</p>
      <ul className="cards">
        {ITEMS.map((p) => (
          <li key={p.id} className="card">
            <h2>
              <a href={`/projects/${p.id}`}>{p.title}</a>
            </h2>
            <p>{p.summary}</p>
            <dl>
              <dt>社区</dt>
              <dd>{p.community}</dd>
              <dt>预算</dt>
              <dd>¥{p.budget.toLocaleString("en")}</dd>
              <dt>状态</dt>
              <dd>{p.status}</dd>
            </dl>
          </li>
        ))}
      </ul>
    </section>
  );
}
