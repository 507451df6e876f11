"""Load a package's tables as typed pandas DataFrames, with the derived columns the expectation suites check.

Great Expectations checks one table at a time. What a check needs from other tables or files is put into the table
first as a derived column (its name starts with "_"), computed here with vectorised pandas:

- `_text_length`: length of the plan's published text (every char_end must be within it);
- `_span_text`: text[char_start:char_end] of the plan's text, for the span column named in resources.yml `spans:`;
- `_earliest_deadline`: 1 January of the year before the plan's year (issue date, else the year in its plan_id);
- `_agency_admin_code`: the division code of the responsible agency;
- `_plan_admin_code_at_agency_level`: the plan's division code cut to the agency's level (province, prefecture,
  county), so an agency of the plan's own jurisdiction or of one above it has the same code; an agency inside the
  plan's jurisdiction (a city government tasked by its province's plan) keeps its own code;
- `_target_unit`, `_indicator_measure` (coded targets only): the target's unit ("(none)" for a bare number) and what
  its figure must state about its standard indicator — the indicator's unit, or "change in <unit>" for a relative
  target (yigai.indicators.measure).

Rows keep their number in the file: the index is the data row number (1 = first row after the header). The texts
become one frame of lines (`plan_id`, `line`, `_row` = line number, `_file`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from yigai import metadata
from yigai.indicators import CHANGE_PREFIX, NO_UNIT
from yigai.validate.csvcheck import Layout

TEXTS = "texts"


@dataclass
class Frame:
    """One table (or the texts) ready for the suites.

    Attributes:
        name: resource name ("texts" for the plans' texts).
        file: path of the file inside the package (for texts, each row's `_file` column says which).
        data: the typed rows; index = data row number.
        raw: the same rows as the strings written in the file (what a report shows as the value).
    """

    name: str
    file: str
    data: pd.DataFrame
    raw: pd.DataFrame


def _typed(raw: pd.DataFrame) -> pd.DataFrame:
    """Convert columns to their metadata types; unreadable cells become missing (Frictionless reports them)."""
    fields = metadata.fields()
    data = raw.copy()
    for column in data.columns:
        kind = fields.get(column, {}).get("type", "string")
        if kind in ("integer", "number"):
            data[column] = pd.to_numeric(data[column], errors="coerce").astype("float64")
        elif kind == "date":
            data[column] = pd.to_datetime(data[column], format="%Y-%m-%d", errors="coerce")
        elif kind == "boolean":
            data[column] = data[column].map({"true": True, "false": False})
    return data


def load(layout: Layout) -> tuple[dict[str, Frame], dict[str, str]]:
    """Read every table and text that is not broken; returns the frames and the texts by plan_id."""
    frames: dict[str, Frame] = {}
    for name, resource in layout.tables.items():
        if name in layout.broken or name not in metadata.resources():
            continue
        raw = pd.read_csv(layout.root / resource["path"], dtype=str, keep_default_na=False, na_values=[""],
                          encoding="utf-8")
        raw.index = pd.RangeIndex(1, len(raw) + 1)
        frames[name] = Frame(name, resource["path"], _typed(raw), raw)
    texts = {plan_id: (layout.root / path).read_text(encoding="utf-8")
             for plan_id, path in sorted(layout.texts.items())
             if layout.text_resource(plan_id) not in layout.broken and (layout.root / path).is_file()}
    frames[TEXTS] = _texts_frame(texts, layout)
    derive(frames, texts)
    return frames, texts


def _texts_frame(texts: dict[str, str], layout: Layout) -> Frame:
    parts = []
    for plan_id, text in texts.items():
        lines = text.split("\n")
        parts.append(pd.DataFrame({"plan_id": plan_id, "line": lines, "_row": np.arange(1, len(lines) + 1),
                                   "_file": layout.texts[plan_id]}))
    data = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        {"plan_id": pd.Series(dtype=str), "line": pd.Series(dtype=str), "_row": pd.Series(dtype=int),
         "_file": pd.Series(dtype=str)})
    return Frame(TEXTS, "texts/", data, data)


def plan_ids(frame: pd.DataFrame) -> pd.Series:
    """The plan of every row: its plan_id column, else the plan part of its task_id."""
    if "plan_id" in frame:
        return frame["plan_id"]
    if "task_id" in frame:
        return frame["task_id"].str.split(":", n=1).str[0]
    return pd.Series(np.nan, index=frame.index, dtype=object)


def plan_years(plans: pd.DataFrame) -> pd.Series:
    """Each plan's year (one per row of plans): the year of its issue date, else the year written in its plan_id."""
    from_id = pd.to_numeric(plans["plan_id"].str.extract(r"-(\d{4})-\d{2}$")[0], errors="coerce")
    return plans["issue_date"].dt.year.fillna(from_id) if "issue_date" in plans else from_id


def _lookup(keys: pd.Series, values: pd.Series) -> pd.Series:
    """A key → value map (first value wins when a key repeats; Frictionless reports the duplicate)."""
    table = pd.Series(values.to_numpy(), index=keys.to_numpy())
    return table[~table.index.duplicated()]


def derive(frames: dict[str, Frame], texts: dict[str, str]) -> None:
    """Add the derived columns every suite relies on (missing inputs give missing values, which checks skip)."""
    empty = pd.Series(dtype=object)
    plans = frames["plans"].data if "plans" in frames else None
    years = _lookup(plans["plan_id"], plan_years(plans)) if plans is not None else empty
    codes = _lookup(plans["plan_id"], plans["admin_code"]) if plans is not None else empty
    agencies = frames["agencies"].data if "agencies" in frames else None
    agency_codes = _lookup(agencies["agency_id"], agencies["admin_code"]) if agencies is not None else empty
    indicators = frames["indicators"].data if "indicators" in frames else None
    indicator_units = _lookup(indicators["indicator_code"], indicators["indicator_unit"].fillna(NO_UNIT)) \
        if indicators is not None else empty
    lengths = pd.Series({plan_id: len(text) for plan_id, text in texts.items()}, dtype="float64")
    for name, frame in frames.items():
        if name == TEXTS:
            continue
        data = frame.data
        plan = plan_ids(data)
        if "char_end" in data:
            data["_text_length"] = plan.map(lengths).astype("float64")
        span_column = metadata.resources()[name].get("spans")
        if span_column:
            data["_span_text"] = _spans(plan, data["char_start"], data["char_end"], texts)
        if "deadline" in data:
            year = pd.to_numeric(plan.map(years), errors="coerce")
            data["_earliest_deadline"] = pd.to_datetime(
                {"year": year - 1, "month": 1, "day": 1}, errors="coerce") if len(data) else pd.Series(
                    dtype="datetime64[ns]")
        if name == "responsibilities":
            agency = data["agency_id"].map(agency_codes)
            data["_agency_admin_code"] = agency
            data["_plan_admin_code_at_agency_level"] = _cut_to_level(plan.map(codes), agency)
        if "indicator_code" in data and "unit" in data:
            _indicator_units(data, indicator_units)


def _indicator_units(data: pd.DataFrame, indicator_units: pd.Series) -> None:
    """Derive `_target_unit` and `_indicator_measure` for the targets that carry an indicator_code."""
    unit = data["indicator_code"].map(indicator_units).astype(object)
    relative = data["relative"].fillna(False).astype(bool) if "relative" in data else False
    measure = unit.where(~relative, CHANGE_PREFIX + unit.astype(str))
    known = data["indicator_code"].notna() & unit.notna()
    data["_indicator_measure"] = measure.where(known, np.nan)
    data["_target_unit"] = data["unit"].fillna(NO_UNIT).astype(object).where(known, np.nan)


def _spans(plan: pd.Series, start: pd.Series, end: pd.Series, texts: dict[str, str]) -> pd.Series:
    """text[char_start:char_end] for every row whose plan text and offsets are known (missing otherwise)."""
    values = [texts[p][int(s):int(e)] if p in texts and s == s and e == e else None
              for p, s, e in zip(plan.to_numpy(), start.to_numpy(), end.to_numpy())]
    return pd.Series(values, index=plan.index, dtype=object)


def _cut_to_level(plan_code: pd.Series, agency_code: pd.Series) -> pd.Series:
    """The plan's code cut to the level of the agency's code (province xx0000, prefecture xxxx00, county)."""
    plan_code = plan_code.astype(object)
    agency_code = agency_code.astype(object)
    province = agency_code.str.endswith("0000", na=False)
    prefecture = agency_code.str.endswith("00", na=False) & ~province
    out = plan_code.copy()
    out[province] = plan_code[province].str[:2] + "0000"
    out[prefecture] = plan_code[prefecture].str[:4] + "00"
    # an agency inside the plan's jurisdiction (a provincial plan tasking a city's government) is the plan's too
    plan_province = plan_code.str.endswith("0000", na=False)
    plan_prefecture = plan_code.str.endswith("00", na=False) & ~plan_province
    inside = (plan_province & (agency_code.str[:2] == plan_code.str[:2])) | \
        (plan_prefecture & (agency_code.str[:4] == plan_code.str[:4]))
    out[inside] = agency_code[inside]
    out[agency_code.isna() | plan_code.isna()] = np.nan
    return out
