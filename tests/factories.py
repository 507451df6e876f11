"""Small invented plans for tests, and the committed plans run through the extraction stages (cached)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SOURCES = Path(__file__).resolve().parents[1] / "sources"
CN_NUMBERS = "一二三四五六七八九十"
NOTICE = "某某区人民政府关于印发某某区医改实施方案的通知\n\n各街道办事处:\n\n现印发给你们,请认真贯彻执行。\n\n2020年1月2日\n\n"
TITLE = "某某区医改实施方案\n\n为推进改革,制定本方案。\n\n"


def cn(n: int) -> str:
    """Chinese numeral for 1..99 as used in outline labels."""
    if n <= 10:
        return CN_NUMBERS[n - 1]
    tens, units = divmod(n, 10)
    return ("" if tens == 1 else CN_NUMBERS[tens - 1]) + "十" + (CN_NUMBERS[units - 1] if units else "")


def label(style: str, n: int) -> str:
    """An outline label of the given style: dun 一、 | paren (一) | fullparen （一） | dot 1. | wide １. | comma 1、."""
    return {"dun": f"{cn(n)}、", "paren": f"({cn(n)})", "fullparen": f"（{cn(n)}）", "dot": f"{n}.",
            "wide": "".join(chr(ord(c) + 0xFEE0) for c in str(n)) + ".", "comma": f"{n}、"}[style]


@dataclass
class MiniPlan:
    """An invented plan text, the offset of its heading, and the labels of its outline in document order."""

    text: str
    body_start: int
    labels: list[str]


def outline_plan(shape: list[list[int]], styles: tuple[str, str, str] = ("dun", "paren", "dot"),
                 clause: str = "(牵头单位:区卫计局,相关责任单位:区财政局)") -> MiniPlan:
    """A plan whose outline has len(shape) sections; section i has len(shape[i]) items with shape[i][j] sub-items.

    Sections are headings on their own line with an intro paragraph; items and sub-items have run-in headings;
    every sub-item (or item without sub-items) ends with `clause` and a target paragraph follows each sub-item.
    """
    parts = [NOTICE, TITLE]
    labels: list[str] = []
    for i, items in enumerate(shape, start=1):
        labels.append(label(styles[0], i))
        parts.append(f"{labels[-1]}第{i}部分任务\n\n本部分说明第{i}项工作。\n\n")
        for j, subs in enumerate(items, start=1):
            labels.append(label(styles[1], j))
            tail = "" if subs else clause
            parts.append(f"{labels[-1]}推进第{i}{j}项改革。加强公立医院管理。{tail}\n\n")
            for k in range(1, subs + 1):
                labels.append(label(styles[2], k))
                parts.append(f"{labels[-1]}完善第{k}项机制。建立医保支付制度。{clause}\n\n到2025年底,覆盖率达到90%。\n\n")
    text = "".join(parts)
    return MiniPlan(text=text, body_start=text.index(TITLE), labels=labels)


def flattened_table(rows: list[tuple], columns: tuple[str, ...] = (
        "序号", "工作任务", "牵头部门", "相关责任部门", "完成时间")) -> str:
    """An annex table flattened one cell per line: each row is (task, [more single cells,] bodies (lead first), time)."""
    lines = ["附件", "重点工作分解表", *columns]
    for n, row in enumerate(rows, start=1):
        *cells, bodies, time = row
        lines += [str(n), *cells, *bodies, time]
    return "\n\n".join(lines) + "\n"


@dataclass
class RealPlan:
    """A committed plan after normalisation and extraction."""

    plan_id: str
    text: str
    tasks: list[dict]
    rows: list[dict]
    changes: list
    jurisdiction: object

    def task(self, path: str) -> dict:
        """The task at an outline path."""
        return next(t for t in self.tasks if t["path"] == path)

    def responsibilities(self, path: str) -> dict[str, dict]:
        """The responsibility rows of the task at `path`, by agency_id."""
        task_id = f"{self.plan_id}:{path}"
        return {r["agency_id"]: r for r in self.rows if r["task_id"] == task_id}


@lru_cache(maxsize=None)
def real_plan(plan_id: str) -> RealPlan:
    """Normalise one committed plan and run the tasks and responsibilities stages on it (registry from sources/)."""
    from yigai import divisions, normalise, registry
    from yigai.extract import agencies, plans, tasks
    from yigai.sources import read_plan

    plan = read_plan(SOURCES / plan_id)
    text = normalise.run(plan.raw_text, plan.text_corrections()).text
    facts = plans.run(text)
    code = plan.facts.get("admin_code")
    jurisdiction = divisions.get(str(code)) if code else facts.jurisdiction
    rows = tasks.run(plan_id, text, facts.body_start)
    resolution = agencies.run(plan_id, text, rows, jurisdiction, registry.load(SOURCES / "agencies.yml"))
    return RealPlan(plan_id, text, rows, resolution.rows, resolution.changes, jurisdiction)
