"""The plan pages: the plans index, one page per plan with its data, and each plan's text with anchors per span.

A plan page gives what a reader of one plan wants in one place: how to cite it, where it came from, its targets
(on a timeline and in a table linking each to its quote in the text), its outline as a tree with deadlines,
domains and lead bodies, who leads which task, and every correction made to it.
"""

from __future__ import annotations

from yigai.site import charts, figures, search
from yigai.site.catalog import corrections_table, target_cells, target_headers
from yigai.site.html import badge, block, esc, facts, header, href, link, prose, table
from yigai.site.model import Site, code_label, local_id

OFFSETS = ("char_start", "char_end")
SOURCE_FACTS = (("file", "raw file"), ("original_name", "original file name"), ("url", "URL"),
                ("captured", "captured"), ("received", "received by the project"))
OUTLINE_SNIPPET = 60


def plan_page_path(plan_id: str) -> str:
    """The docs path of a plan's page."""
    return f"plans/{plan_id}.md"


def text_page_path(plan_id: str) -> str:
    """The docs path of a plan's text page."""
    return f"texts/{plan_id}.md"


def plans_index(site: Site) -> str:
    """The list of plans with their jurisdiction, date and counts, and the chart of tasks by domain per plan."""
    page = "plans/index.md"
    rows = []
    for plan in site.plans:
        plan_id = plan["plan_id"]
        counts = [len(site.plan_rows(plan_id, t)) for t in ("tasks", "targets", "responsibilities", "corrections")]
        rows.append([link(href(page, plan_page_path(plan_id)), plan_id), prose(esc(site.mask(plan.get("title")))),
                     esc(plan.get("jurisdiction")), esc(code_label("admin_level", plan.get("admin_level", ""))),
                     esc(plan.get("issue_date") or "—"), esc(plan.get("doc_number") or "—"),
                     *[str(c) for c in counts]])
    headers = [header(c) for c in ("plan_id", "title", "jurisdiction", "admin_level", "issue_date", "doc_number")]
    headers += ["tasks", "targets", "responsibilities", "corrections"]
    chart = figures.tasks_by_domain_per_plan(site, plans_dir="")
    return "\n".join([
        "# Plans", "", f"{len(site.plans)} plans. Each plan's page has its citation, source, targets, outline, "
        "lead bodies and corrections; its text page shows the published text with every target's quote marked.",
        block(table(headers, rows, "yg-plans")), "## Tasks by reform domain", "",
        block(charts.figure(chart, "Tasks of each plan by reform domain (click a plan's label for its outline).")), ""])


def _outline(site: Site, plan_id: str, page: str) -> str:
    children: dict[str, list[dict[str, str]]] = {}
    for task in site.plan_rows(plan_id, "tasks"):
        children.setdefault(task.get("parent_task_id") or "", []).append(task)
    targets: dict[str, list[str]] = {}
    for target in site.plan_rows(plan_id, "targets"):
        targets.setdefault(target.get("task_id") or "", []).append(local_id(target["target_id"]))

    def item(task: dict[str, str]) -> str:
        anchor = local_id(task["task_id"])
        title = site.mask(task.get("heading")) or site.mask(task.get("text"))[:OUTLINE_SNIPPET] + "…"
        parts = [f'<span class="yg-path">{esc(task.get("label") or task.get("path"))}</span> {esc(title)}']
        if task.get("deadline") or task.get("deadline_text"):
            parts.append(badge(f"{task.get('deadline_text') or task['deadline']}", "deadline"))
        if task.get("domain"):
            parts.append(badge(code_label("domain", task["domain"]), "domain"))
        leads = [link(href(page, "agencies.md", r["agency_id"]), site.agency_name(r["agency_id"]))
                 for r in site.leads(task["task_id"])]
        if leads:
            parts.append('<span class="yg-leads">牵头 lead: ' + "、".join(leads) + "</span>")
        if targets.get(task["task_id"]):
            parts.append('<span class="yg-targets">指标 targets: ' + " ".join(
                link(f"#{t}", t) for t in targets[task["task_id"]]) + "</span>")
        parts.append(link(href(page, text_page_path(plan_id), f"task-{anchor}"), "原文 text", "the task in the text"))
        nested = children.get(task["task_id"], [])
        inner = ("\n<ul>\n" + "\n".join(item(t) for t in nested) + "\n</ul>") if nested else ""
        return f'<li id="task-{esc(anchor)}">' + " ".join(parts) + inner + "</li>"

    roots = children.get("", [])
    known = {t["task_id"] for t in site.plan_rows(plan_id, "tasks")}
    roots += [t for parent, kids in children.items() if parent and parent not in known for t in kids]
    return '<ul class="yg-tree">\n' + "\n".join(item(t) for t in roots) + "\n</ul>"


def _responsibilities(site: Site, plan_id: str, page: str) -> str:
    rows = []
    for task in site.plan_rows(plan_id, "tasks"):
        mine = site.responsibilities_by_task.get(task["task_id"], [])
        if not mine:
            continue
        bodies = {role: "、".join(
            link(href(page, "agencies.md", r["agency_id"]), site.agency_name(r["agency_id"]),
                 f"{r.get('mention') or ''} ({r.get('rule')}{', flagged' if r.get('flagged') == 'true' else ''})")
            + (" ※" if r.get("flagged") == "true" else "") for r in mine if r.get("role") == role)
            for role in ("lead", "co")}
        anchor = local_id(task["task_id"])
        rows.append([link(f"#task-{anchor}", task.get("path") or anchor),
                     prose(esc(site.mask(task.get("heading")) or site.mask(task.get("text"))[:OUTLINE_SNIPPET])),
                     bodies["lead"] or "—", bodies["co"] or "—"])
    if not rows:
        return "No responsible bodies were found in this plan."
    return table(["task", header("heading"), "牵头 lead", "配合 co-responsible"], rows, "yg-resp")


def _source(site: Site, plan: dict[str, str]) -> list[str]:
    source = site.sources.get(plan["plan_id"], {})
    raw, licence = source.get("raw") or {}, source.get("licence") or {}
    pairs = [(label, esc(site.mask(raw.get(key)))) for key, label in SOURCE_FACTS]
    pairs += [("SHA-256 of the raw file", f"<code>{esc(plan.get('source_sha256'))}</code>"),
              ("licence status", esc(licence.get("status"))), ("licence note", esc(site.mask(licence.get("note"))))]
    lines = [block(facts(pairs))]
    if source.get("notes"):
        lines += ["Notes on the source:", ""] + [f"- {esc(site.mask(' '.join(str(n).split())))}"
                                                 for n in source["notes"]] + [""]
    return lines


def plan_page(site: Site, plan: dict[str, str]) -> str:
    """One plan's page (Markdown with raw HTML blocks)."""
    from yigai import cite

    plan_id = plan["plan_id"]
    page = plan_page_path(plan_id)
    targets = site.plan_rows(plan_id, "targets")
    tasks = site.plan_rows(plan_id, "tasks")
    corrections = site.plan_rows(plan_id, "corrections")
    issued = plan.get("issue_date") and f"issued {plan['issue_date']}"
    summary = " · ".join(x for x in (plan.get("jurisdiction"), issued, plan.get("doc_number")) if x)
    document = [(header(c), esc(site.mask(plan.get(c)))) for c in site.columns.get("plans", []) if c not in OFFSETS]
    cite_row = {k: (v or None) for k, v in plan.items()}
    lines = [f"# {esc(site.mask(plan.get('title') or plan_id))}", "",
             f"{esc(summary)} — {len(tasks)} tasks, {len(targets)} targets, "
             f"{len(site.plan_rows(plan_id, 'responsibilities'))} responsibilities, {len(corrections)} corrections. "
             f"Read the [published text]({'../' + text_page_path(plan_id)}) with every target's quote marked.", "",
             "## Cite the original document {#cite}", "",
             "```text", cite.plan_citation(cite_row, "apa", site.version).strip(), "```", "",
             "```bibtex", cite.plan_citation(cite_row, "bibtex", site.version).strip(), "```", "",
             "## The document {#document}", "", block(facts(document)), "## Source {#source}", "",
             *_source(site, plan), "## Targets {#targets}", ""]
    if targets:
        timeline = figures.plan_timeline(site, plan_id)
        lines += [block(charts.figure(timeline, "Each target at its deadline, in the lane of its task's reform domain "
                                                "(click a target for its row).")),
                  block(table(target_headers(site), [target_cells(site, t, page) for t in targets], "yg-targets"))]
    else:
        lines += ["This plan states no quantified targets.", ""]
    lines += ["## Outline {#outline}", "", f"{len(tasks)} tasks, as numbered in the plan.", "",
              block(_outline(site, plan_id, page)), "## Who leads which task {#responsibilities}", "",
              "※ marks a row whose reading is uncertain (see the extraction rule in the tooltip).", "",
              block(_responsibilities(site, plan_id, page)), "## Corrections {#corrections}", ""]
    lines += ([block(corrections_table(site, corrections))] if corrections else ["No corrections.", ""])
    lines += ["## Rows {#rows}", "", block(table(["table", "rows"], [
        [f"<code>{esc(t)}</code>", str(len(site.plan_rows(plan_id, t)))] for t in site.tables
        if t != "plans" and {"plan_id", "task_id"} & set(site.columns.get(t, []))])), ""]
    return "\n".join(lines)


def text_page(site: Site, plan: dict[str, str]) -> str:
    """A plan's published text, with an anchor at every task and every target's quote marked and anchored."""
    plan_id = plan["plan_id"]
    text = site.texts.get(plan_id, "")
    starts: dict[int, list[str]] = {}
    spans = []
    for task in site.plan_rows(plan_id, "tasks"):
        if task.get("char_start"):
            starts.setdefault(int(task["char_start"]), []).append(f"task-{local_id(task['task_id'])}")
    for target in site.plan_rows(plan_id, "targets"):
        if target.get("char_start"):
            start, end = int(target["char_start"]), int(target["char_end"])
            starts.setdefault(start, []).append(local_id(target["target_id"]))
            spans.append((start, end, local_id(target["target_id"])))
    bounds = sorted({0, len(text), *starts, *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    out = []
    for start, end in zip(bounds, bounds[1:] + [len(text)]):
        out += [f'<span class="yg-anchor" id="{esc(a)}"></span>' for a in starts.get(start, [])]
        piece = esc(text[start:end]).replace("\n", "&#10;")
        covering = [t for s, e, t in spans if s <= start and end <= e]
        out.append(f'<mark title="{esc(" ".join(covering))}">{piece}</mark>' if covering and piece else piece)
    return search.LOW_RANK + "\n".join([
        f"# Text: {esc(site.mask(plan.get('title') or plan_id))}", "",
        f"The published normalised text `{esc(plan.get('text_path'))}` of "
        f"[{plan_id}]({'../' + plan_page_path(plan_id)}). Offsets in the tables count characters of this text; "
        "the quote of every target is marked.", "",
        block(f'<div class="yg-text" lang="zh-CN">{"".join(out)}</div>'),
        f"Back to the [plan page]({'../' + plan_page_path(plan_id)}).", ""])
