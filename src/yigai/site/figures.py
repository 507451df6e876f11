"""The site's charts, computed from the package: what each counts, groups and links to (charts does the drawing)."""

from __future__ import annotations

from collections import Counter, defaultdict

from yigai import metadata
from yigai.site import charts
from yigai.site.model import NO_DEADLINE, Site, code_label, deadline_year, local_id

UNKNOWN_DOMAIN = "未分类 no domain"


def domain_keys() -> list[tuple[str, str]]:
    """The reform domains in the metadata's order, with their labels, and '' for a task without one."""
    return [(code, code_label("domain", code)) for code in metadata.enum_values("domain")] + [("", UNKNOWN_DOMAIN)]


def plan_label(plan: dict[str, str]) -> str:
    """A short label of a plan for charts: its jurisdiction and year of issue (its id when both are missing)."""
    return f"{plan.get('jurisdiction') or ''} {(plan.get('issue_date') or '')[:4]}".strip() or plan["plan_id"]


def targets_by_year_and_domain(site: Site, page: str = "targets.html") -> str:
    """Targets per deadline year (and without one), each bar split by the reform domain of the target's task."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for target in site.rows("targets"):
        counts[deadline_year(target)][site.domain_of_target(target)] += 1
    years = sorted(y for y in counts if y != NO_DEADLINE) + ([NO_DEADLINE] if NO_DEADLINE in counts else [])
    bars = [charts.Bar(f"{year} 年" if year != NO_DEADLINE else "无时限 no deadline", dict(counts[year]),
                       f"{page}#year={year}") for year in years]
    return charts.stacked_bars("Targets by deadline year and reform domain (指标按完成年份和改革领域)", bars,
                               domain_keys(), ("target", "targets"))


def tasks_by_domain_per_plan(site: Site, plans_dir: str = "plans/") -> str:
    """Tasks of each plan, each bar split by reform domain."""
    bars = []
    for plan in site.plans:
        counts = Counter(task.get("domain") or "" for task in site.plan_rows(plan["plan_id"], "tasks"))
        bars.append(charts.Bar(plan_label(plan), dict(counts), f"{plans_dir}{plan['plan_id']}.html#outline"))
    return charts.stacked_bars("Tasks by reform domain, per plan (各方案任务的改革领域)", bars, domain_keys(),
                               ("task", "tasks"))


def leads_by_function(site: Site, agencies_page: str = "agencies.html") -> str:
    """Tasks led, by the function of the leading body, each bar split by plan; the label counts the bodies."""
    tasks: dict[str, Counter] = defaultdict(Counter)
    bodies: dict[str, set[str]] = defaultdict(set)
    for row in site.rows("responsibilities"):
        if row.get("role") != "lead":
            continue
        function = (site.agencies.get(row["agency_id"]) or {}).get("function") or "other"
        tasks[function][row["task_id"].split(":", 1)[0]] += 1
        bodies[function].add(row["agency_id"])
    order = sorted(tasks, key=lambda f: (-sum(tasks[f].values()), f))
    plans = [(p["plan_id"], plan_label(p)) for p in site.plans]
    bars = [charts.Bar(f"{code_label('function', f)} ({len(bodies[f])})", dict(tasks[f]),
                       f"{agencies_page}#function={f}") for f in order]
    return charts.stacked_bars("Tasks led, by the function of the lead body (牵头单位职能); in brackets the number "
                               "of bodies", bars, plans, ("task led", "tasks led"))


def plan_timeline(site: Site, plan_id: str) -> str:
    """A plan's targets by deadline along a time axis, one lane per reform domain, linked to the targets table."""
    points = []
    for target in site.plan_rows(plan_id, "targets"):
        anchor = local_id(target["target_id"])
        tip = (f"{anchor} {site.mask(target.get('indicator'))} {target.get('comparator')} {target.get('value')}"
               f"{target.get('unit') or ''} · {target.get('deadline_text') or target.get('deadline') or NO_DEADLINE}")
        points.append(charts.Point(target.get("deadline") or "", site.domain_of_target(target), anchor, tip,
                                   f"#{anchor}"))
    return charts.timeline("Targets of the plan by deadline and reform domain (指标完成时限)", points, domain_keys(),
                           "无时限 no deadline")
