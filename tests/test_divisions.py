"""divisions.find_in finds, in one pass, what trying every division name at every position finds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from yigai import divisions

NAMES = sorted({name for name in divisions._names().values() if len(name) >= 2})


def find_by_scanning(text: str) -> list[divisions.Division]:
    """The obvious, slow reading: at each position try every name, longest first (ties by code)."""
    pairs = sorted(((name, code) for code, name in divisions._names().items() if len(name) >= 2),
                   key=lambda p: (-len(p[0]), p[1]))
    found: list[divisions.Division] = []
    position = 0
    while position < len(text):
        match = None
        for name, _ in pairs:
            if text.startswith(name, position):
                chosen = divisions._choose([c for n, c in pairs if n == name], found)
                if chosen:
                    match = (name, chosen)
                    break
        if not match:
            break
        found.append(divisions.get(match[1]))
        position += len(match[0])
    return found


def test_examples():
    assert [d.code for d in divisions.find_in("浙江省温州市鹿城区人民政府")] == ["330000", "330300", "330302"]
    assert divisions.find_in("关于印发") == []
    assert divisions.find_in("") == []


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(NAMES), st.sampled_from(["人民政府", "卫生健康局", "区", "市", "关于", "县"])),
                max_size=5))
def test_one_pass_finds_what_scanning_every_name_finds(parts):
    text = "".join(parts)
    assert divisions.find_in(text) == find_by_scanning(text)
