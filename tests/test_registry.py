"""Looking bodies up in the agency registry."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from yigai.registry import Agency, Registry

CODES = ("330000", "330300", "330302")
NAMES = ("卫健委", "医保局", "财政局")


def nearest_first(registry: Registry, alias: str, admin_codes: list[str]) -> Agency | None:
    """The rule by_alias implements, written as plainly as possible: codes in order, bodies in order."""
    for code in admin_codes:
        for agency in registry.agencies.values():
            if agency.admin_code == code and (alias == agency.name or alias in agency.aliases):
                return agency
    return None


bodies = st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from(CODES), st.lists(st.sampled_from(NAMES),
                                                                                        max_size=2)), max_size=8)


@settings(max_examples=300, deadline=None)
@given(bodies, st.sampled_from(NAMES), st.lists(st.sampled_from(CODES + ("110000",)), max_size=4))
def test_by_alias_takes_the_nearest_division_then_the_first_body(entries, alias, admin_codes):
    registry = Registry({f"a{i}": Agency(f"a{i}", name, code, "health", aliases)
                         for i, (name, code, aliases) in enumerate(entries)})
    assert registry.by_alias(alias, admin_codes) is nearest_first(registry, alias, admin_codes)


def test_by_alias_prefers_the_nearer_division_over_the_earlier_body():
    registry = Registry({"p": Agency("p", "省卫健委", "330000", "health", ["卫健委"]),
                         "c": Agency("c", "市卫健委", "330300", "health", ["卫健委"])})
    assert registry.by_alias("卫健委", ["330300", "330000"]).agency_id == "c"
    assert registry.by_alias("卫健委", ["330000", "330300"]).agency_id == "p"
    assert registry.by_alias("卫健委", ["110000"]) is None
