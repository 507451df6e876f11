"""The pages across plans: every target (filterable), every agency with the tasks it leads, the corrections report
and the charts at a glance.
"""

from __future__ import annotations

from collections import defaultdict

from yigai.site import charts, figures
from yigai.site.html import block, esc, facts, header, href, link, prose, table
from yigai.site.model import SPAM_KIND, Site, code_label, deadline_year, field_zh, local_id, masked

# Target columns shown in a form of their own (merged, linked); any other column of the schema is shown as it is.
TARGET_SHOWN = ("target_id", "plan_id", "task_id", "indicator", "comparator", "value", "value_max", "unit", "deadline",
                "deadline_text", "scope", "quote", "char_start", "char_end")
COMPARATORS = {">=": "≥", "<=": "≤", "=": "=", ">": ">", "<": "<", "range": "–"}
CORRECTION_COLUMNS = ("change_id", "stage", "kind", "status", "span", "original", "replacement", "reason")
AGENCY_HIDDEN = ("agency_id",)
SNIPPET = 80


def _extra_target_columns(site: Site) -> list[str]:
    return [c for c in site.columns.get("targets", []) if c not in TARGET_SHOWN]


def target_headers(site: Site, across_plans: bool = False) -> list[str]:
    """The headers of a targets table (with the plan and domain columns when it lists several plans)."""
    plan = [f'<span data-filter="select" data-key="plan">{header("plan_id")}</span>'] if across_plans else []
    domain = [f'<span data-filter="select" data-key="domain">{header("domain")}</span>'] if across_plans else []
    year = ['<span data-filter="select" data-key="year">year<br><span class="yg-zh">年份</span></span>'] \
        if across_plans else []
    return ["#", *plan, header("indicator"), header("comparator"), header("value"), header("unit"),
            header("deadline"), *year, header("scope"), header("task_id"), *domain,
            *[header(c) for c in _extra_target_columns(site)], "原文 quote"]


def target_cells(site: Site, target: dict[str, str], page: str,
                 across_plans: bool = False) -> tuple[dict[str, str], list[str]]:
    """One target's row: its attributes (anchor, filter values) and its cells, linked to its task and quote."""
    plan_id, anchor = target["plan_id"], local_id(target["target_id"])
    plan_page, text_page = f"plans/{plan_id}.md", f"texts/{plan_id}.md"
    value = target.get("value", "")
    if target.get("value_max"):
        value += f"–{target['value_max']}"
    deadline = esc(target.get("deadline") or "—")
    if target.get("deadline_text"):
        deadline += f'<br><span class="yg-zh">{esc(target["deadline_text"])}</span>'
    task = site.tasks.get(target.get("task_id") or "") or {}
    task_cell = link(href(page, plan_page, f"task-{local_id(task['task_id'])}"), task.get("path") or task["task_id"],
                     site.mask(task.get("heading"))) if task else "—"
    quote = link(href(page, text_page, anchor), "原文 ↗", site.mask(target.get("quote")))
    number = (link(href(page, plan_page, anchor), target["target_id"]) if across_plans
              else f"<code>{esc(anchor)}</code>")
    domain = site.domain_of_target(target)
    comparator = target.get("comparator") or ""
    cells = [number]
    if across_plans:
        cells.append(link(href(page, plan_page), plan_id))
    cells += [prose(esc(site.mask(target.get("indicator")))),
              f'<span title="{esc(comparator)}">{esc(COMPARATORS.get(comparator, comparator))}</span>',
              esc(value), esc(target.get("unit") or "—"), deadline]
    if across_plans:
        cells.append(esc(deadline_year(target)))
    cells += [esc(site.mask(target.get("scope")) or "—"), task_cell]
    if across_plans:
        cells.append(esc(code_label("domain", domain)))
    cells += [esc(site.mask(target.get(c))) for c in _extra_target_columns(site)] + [quote]
    attrs = {"data-plan": plan_id, "data-domain": code_label("domain", domain), "data-year": deadline_year(target)}
    if not across_plans:
        attrs["id"] = anchor
    return attrs, cells


def targets_page(site: Site) -> str:
    """Every target of every plan in one table, filterable in the browser by plan, domain, year and free text."""
    page = "targets.md"
    targets = site.rows("targets")
    chart = figures.targets_by_year_and_domain(site, page="targets.html")
    return "\n".join([
        "# Targets", "", f"{len(targets)} quantified targets across {len(site.plans)} plans. Type in the box to "
        "filter by any word (Chinese or English), or choose a plan, reform domain or deadline year; the table "
        "filters in your browser. Each target links to its plan, its task and its quote in the text.", "",
        "## By deadline year and reform domain", "",
        block(charts.figure(chart, "Targets by deadline year, split by the reform domain of their task "
                                   "(click a year to filter the table).")),
        "## All targets {#all}", "",
        block(table(target_headers(site, True), [target_cells(site, t, page, True) for t in targets],
                    "yg-targets yg-filterable")), ""])


def agencies_page(site: Site) -> str:
    """Every body: its facts (every column of the agencies table), aliases and the tasks it leads or shares."""
    page = "agencies.md"
    roles: dict[str, dict[str, list[dict[str, str]]]] = defaultdict(lambda: {"lead": [], "co": []})
    for row in site.rows("responsibilities"):
        roles[row["agency_id"]].setdefault(row.get("role") or "co", []).append(row)
    summary, sections = [], []
    columns = [c for c in site.columns.get("agencies", []) if c not in AGENCY_HIDDEN]
    for agency in site.rows("agencies"):
        agency_id = agency["agency_id"]
        led, shared = roles[agency_id]["lead"], roles[agency_id]["co"]
        summary.append(({"data-function": code_label("function", agency.get("function", ""))}, [
            link(f"#{esc(agency_id)}", agency.get("agency_name") or agency_id), esc(agency.get("jurisdiction")),
            esc(code_label("function", agency.get("function", ""))), str(len(led)), str(len(shared))]))
        pairs = [(header(c), esc(code_label(c, agency.get(c, "")) if c == "function" else agency.get(c)))
                 for c in columns if c != "aliases"]
        aliases = [a for a in (agency.get("aliases") or "").split("|") if a]
        pairs.append((header("aliases"), "、".join(esc(a) for a in aliases)))
        rows = []
        for row in led:
            task = site.tasks.get(row["task_id"]) or {}
            plan_id = row["task_id"].split(":", 1)[0]
            rows.append([link(href(page, f"plans/{plan_id}.md"), plan_id),
                         link(href(page, f"plans/{plan_id}.md", f"task-{local_id(row['task_id'])}"),
                              task.get("path") or row["task_id"]),
                         prose(esc(site.mask(task.get("heading")) or site.mask(task.get("text"))[:SNIPPET])),
                         esc(task.get("deadline") or "—"), esc(code_label("domain", task.get("domain", "")))])
        led_table = (table(["plan", "task", header("heading"), header("deadline"), header("domain")], rows)
                     if rows else "<p>Leads no task in these plans.</p>")
        sections += [f'### {esc(agency.get("agency_name") or agency_id)} {{#{agency_id}}}', "",
                     block(facts(pairs)), f"Leads {len(led)} task(s); shares {len(shared)} more.", "",
                     block(led_table)]
    return "\n".join([
        "# Agencies", "", f"{len(site.rows('agencies'))} government bodies named in the plans, each with the names "
        "it goes by and the tasks it leads (牵头) across plans. Filter the list by any word or by function.", "",
        block(charts.figure(figures.leads_by_function(site, agencies_page="agencies.html"),
                            "Tasks led, by the function of the lead body, split by plan (click a function to "
                            "filter the list).")),
        block(table([header("agency_name"), header("jurisdiction"),
                     f'<span data-filter="select" data-key="function">{header("function")}</span>', "tasks led",
                     "tasks shared"], summary, "yg-filterable")),
        "## Each body", "", *sections, ""])


def corrections_table(site: Site, rows: list[dict[str, str]]) -> str:
    """A table of corrections rows; spam (the rows the table itself calls spam) is masked, never shown."""
    body = []
    for row in rows:
        span = f"{row['char_start']}–{row['char_end']}" if row.get("char_start") else ""
        spam = row.get("kind") == SPAM_KIND
        original = masked(row.get("original") or "") if spam and row.get("original") else site.mask(row.get("original"))
        cells = {"span": esc(span), "original": prose(esc(_snippet(original))),
                 "replacement": prose(esc(_snippet(site.mask(row.get("replacement"))))),
                 "reason": prose(esc(site.mask(row.get("reason"))))}
        body.append([cells.get(c, esc(row.get(c))) for c in CORRECTION_COLUMNS])
    return table([header(c) if field_zh(c) else c for c in CORRECTION_COLUMNS], body, "yg-corrections")


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SNIPPET else text[:SNIPPET - 1] + "…"


def corrections_page(site: Site) -> str:
    """The corrections report: every repair, removal, flag and curated correction, by plan."""
    lines = ["# Corrections report", "",
             "Every change between a raw document and the published tables. *status* says what was done: "
             "repaired (by a general rule), removed (not part of the document), flagged (a problem for the reader "
             "to know) or curated (a reviewed correction in `corrections.yml` or a fact in `source.yml`). "
             "Offsets count characters of the published text. Text the hosting sites injected (gambling and porn "
             f"site names, the rows of kind `{SPAM_KIND}`) is never shown: it is replaced by "
             f"`{masked('x' * 12)}`-style notes giving its length, wherever it appears.", ""]
    for plan in site.plans:
        plan_id = plan["plan_id"]
        mine = site.plan_rows(plan_id, "corrections")
        lines += [f"## {plan_id} {{#{plan_id}}}", "", f"{len(mine)} change(s).", ""]
        if mine:
            lines.append(block(corrections_table(site, mine)))
    return "\n".join(lines)


def charts_page(site: Site) -> str:
    """The charts at a glance, each linked to the page it summarises."""
    return "\n".join([
        "# Charts", "", "Drawn at build time from the package as SVG; each is also on the page it summarises, "
        "and its labels link there.", "", "## Targets by deadline year and reform domain", "",
        block(charts.figure(figures.targets_by_year_and_domain(site), "Targets by deadline year and domain.")),
        "## Tasks by reform domain, per plan", "",
        block(charts.figure(figures.tasks_by_domain_per_plan(site), "Tasks of each plan by reform domain.")),
        "## Lead bodies by function", "",
        block(charts.figure(figures.leads_by_function(site), "Tasks led, by the function of the lead body.")), ""])
