"""Read a plan body into the rows of the `tasks` table: its numbered outline as a tree, plus its annex table rows.

What a row means:

* path: one number per level by order of appearance within the parent (see yigai.extract.outline), so labels
  that the source misnumbers (numbering that runs on across sections, skipped or repeated numbers)
  still get unique paths; task_id = "<plan_id>:<path>".
* label: the label as printed; heading: the run-in title, i.e. the text after the label up to the first 。 (or
  ：) when that is a short phrase (at most 50 characters, no comma or semicolon), or the whole line of a section
  heading printed on its own line; null when the item opens with an ordinary sentence ("１.2019年全面推开…，…").
* text: the item's own paragraphs (without its label and without its sub-items), each stripped, joined by "\\n".
* char_start/char_end: from the label to the end of the item's own text in the published text.
* Annex tables that arrived flattened (one cell per line) become rows with path "A<table>.<row>", no parent and
  depth 1; label = the row number, text = the task cell, and the deadline is read from the time cell. Their span
  runs from the row number to the row's last cell.
* Mis-numbered continuations: a numbered paragraph that has no heading, opens with a deadline and sits between
  items that all have headings ("13.多层次人才培养工程。…" / "14.到2025年底，…(责任单位:…)" / "15.数字化转型工程。…")
  is the target paragraph of the item before it. It is merged into that item and reported (kind
  outline-continuation); see yigai.extract.outline.merge_continuations.

Deadlines (deadline = ISO date at the end of the stated period; deadline_text = the words as written) are read by
yigai.extract.deadlines, where every phrasing is documented; every year stated in an item counts, and dates inside
the responsibility clause are ignored. When the item's heading states a deadline ("组织动员阶段(2023年10月底前)"),
that deadline governs the whole item; otherwise the item's latest stated date is used, since an item is finished
only when its last step is (deadlines.governing_deadline). An annex table row's deadline is the latest date in its
time cell, with the whole cell as deadline_text.

Domain: keyword rules in src/yigai/data/domains.yml (documented there), the same for every plan.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources as importlib_resources

from yigai import yamlio
from yigai.changes import Change
from yigai.extract import clauses, outline
from yigai.extract.deadlines import Deadline, find_deadlines, governing_deadline, plan_year_of

HEADING_END = re.compile(r"[。：:]")
HEADING_BREAK = re.compile(r"[，,；;]")
MAX_HEADING = 50


def heading_of(first_line: str) -> str | None:
    """The run-in heading of an item's first line (without its label), or None when it opens with a sentence."""
    end = HEADING_END.search(first_line)
    candidate = (first_line[:end.start()] if end else first_line).strip()
    if not candidate or len(candidate) > MAX_HEADING or HEADING_BREAK.search(candidate):
        return None
    return candidate


@lru_cache(maxsize=1)
def _domain_rules() -> tuple[int, tuple[tuple[str, tuple[str, ...]], ...]]:
    path = importlib_resources.files("yigai").joinpath("data/domains.yml")
    data = yamlio.safe_load(path.read_text(encoding="utf-8"))
    rules = tuple((item["domain"], tuple(str(k) for k in item["keywords"])) for item in data["domains"])
    return int(data.get("heading_weight", 1)), rules


@lru_cache(maxsize=1)
def _keywords_by_first_character() -> dict[str, tuple[tuple[int, str], ...]]:
    """(domain's index, keyword) of every keyword, by its first character ("" for an empty keyword)."""
    index: dict[str, list[tuple[int, str]]] = {}
    for d, (_, keywords) in enumerate(_domain_rules()[1]):
        for keyword in keywords:
            index.setdefault(keyword[:1], []).append((d, keyword))
    return {first: tuple(pairs) for first, pairs in index.items()}


@lru_cache(maxsize=1)
def _a_keyword_holds_a_line_break() -> bool:
    return any("\n" in keyword for _, keywords in _domain_rules()[1] for keyword in keywords)


def domain_of(heading: str | None, body: str) -> str | None:
    """The reform area of a task by the keyword rules of domains.yml (None when no keyword occurs).

    Only keywords whose first character occurs in the task are counted: the others occur nowhere. Body and heading
    are both parts of `words`, so a keyword absent from `words` occurs in neither and scores nothing; one search of
    `words` rules it out, cheaper than one of the body and another of the heading. When the heading is part of the
    body (a run-in heading is) and no keyword holds a line break, a keyword is in `words` exactly when it is in the
    body, so `words` is the body alone.
    """
    weight, rules = _domain_rules()
    index = _keywords_by_first_character()
    if heading and (heading not in body or _a_keyword_holds_a_line_break()):
        words = body + "\n" + heading  # no keyword opens with a line break
    else:
        words = body
    scores = [0] * len(rules)
    for first, keywords in index.items():
        if first not in words:  # cheaper than listing the characters of the task
            continue
        for d, keyword in keywords:
            if keyword in words:  # cheaper than counting, and most keywords are absent
                score = body.count(keyword)
                if heading:
                    score += weight * heading.count(keyword)
                scores[d] += score
    best, best_score = None, 0
    for (domain, _), score in zip(rules, scores):
        if score > best_score:
            best, best_score = domain, score
    return best


def _without(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> str:
    """text[start:end] with the given spans blanked out.

    Each character is blanked when a span covers it and kept otherwise, so for start <= later <= end the result for
    `later` is the result for `start` without its first later - start characters.
    """
    pieces, position = [], start
    for s, e in sorted((max(s, start), min(e, end)) for s, e in spans):
        if e > position and s < e:
            s = max(s, position)
            pieces += [text[position:s], " " * (e - s)]
            position = e
    pieces.append(text[position:end])
    return "".join(pieces)


def _row(plan_id: str, path: str, parent: str | None, depth: int, position: int, label: str, heading: str | None,
         body: str, deadline: Deadline | None, domain: str | None, start: int, end: int) -> dict:
    return {"task_id": f"{plan_id}:{path}", "plan_id": plan_id, "parent_task_id": parent, "path": path,
            "depth": depth, "position": position, "label": label, "heading": heading, "text": body,
            "deadline": deadline.date if deadline else None, "deadline_text": deadline.text if deadline else None,
            "domain": domain, "char_start": start, "char_end": end}


def _outline_rows(plan_id: str, text: str, body_start: int, plan_year: int | None) -> list[dict]:
    roots = outline.parse(text, body_start)
    outline.merge_continuations(roots, lambda node: heading_of(node.first_line) is not None)
    rows: list[dict] = []
    ids: dict[int, str] = {}
    for node, numbers in outline.walk(roots):
        path = ".".join(str(n) for n in numbers)
        ids[id(node)] = f"{plan_id}:{path}"
        heading = heading_of(node.first_line)
        start, end = node.start, node.end
        skip = clauses.clause_spans(text, start, end)
        content_start = node.lines[0].start + len(node.label)
        body = "\n".join([text[content_start:node.lines[0].end].strip()] + [line.text for line in node.lines[1:]])
        own = _without(text, start, end, skip)
        deadline = governing_deadline(own, heading, plan_year)
        scoring = own[content_start - start:]   # the same as _without(text, content_start, end, skip)
        row = _row(plan_id, path, ids[id(node.parent)] if node.parent else None, node.depth, numbers[-1],
                   node.label, heading, body, deadline, domain_of(heading, scoring), start, end)
        notes = [Change("extract", "outline-continuation", "flagged", line.text, "",
                        f"the paragraph numbered {(outline.label_of(line.text) or ('', '?'))[1]} has no heading of its own "
                        f"and opens with a deadline between items that have headings: read as the continuation "
                        f"(target paragraph) of item {node.label} ({path}), which the source numbered by mistake",
                        line.start, line.end)
                 for line in node.merged]
        if notes:
            row["_changes"] = notes
        rows.append(row)
    return rows


def _table_rows(plan_id: str, text: str, body_start: int, plan_year: int | None) -> list[dict]:
    rows: list[dict] = []
    for number, table in enumerate(outline.find_tables(text, body_start), start=1):
        for position, row in enumerate(table.rows, start=1):
            cells = outline.table_cells(table, row)
            task = " ".join(cell.text for cell in cells.get("task", []))
            times = cells.get("time", [])
            deadline = None
            if times:
                stated = find_deadlines(times[0].text, plan_year)
                if stated:
                    deadline = Deadline(times[0].text, max(d.date for d in stated), times[0].start, times[0].end)
            heading = heading_of(task)
            rows.append(_row(plan_id, f"A{number}.{position}", None, 1, position, row[0].text, heading, task,
                             deadline, domain_of(heading, task), row[0].start, row[-1].end))
    return rows


def run(plan_id: str, text: str, body_start: int) -> list[dict]:
    """Return the rows of the `tasks` table for one plan.

    Args:
        plan_id: the plan.
        text: the published normalised text.
        body_start: offset of the plan's heading; the notice before it is not part of the outline.

    Returns:
        Rows in document order (outline first, then annex tables). A row whose item absorbed a mis-numbered
        continuation carries the report entries under the private key "_changes" (not a column); the
        responsibilities stage passes them on to the plan's corrections report.
    """
    plan_year = plan_year_of(plan_id)
    return _outline_rows(plan_id, text, body_start, plan_year) + _table_rows(plan_id, text, body_start, plan_year)
