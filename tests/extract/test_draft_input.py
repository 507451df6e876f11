"""`yigai extract` on input that is not a plan: refused with a clear error naming the file, never a traceback."""

from __future__ import annotations

import random

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from yigai.cli import main
from yigai.extract import draft

RANDOM = random.Random(10)


def extract(tmp_path, content: bytes):
    path = tmp_path / "plan.txt"
    path.write_bytes(content)
    return path, CliRunner().invoke(main, ["extract", str(path), "--sources", str(tmp_path / "none")])


@pytest.mark.parametrize("content, words", [
    (b"", "empty"),
    (b"\n \n\t\n", "whitespace"),
    (bytes(range(256)) * 8, "NUL"),
    (bytes(RANDOM.randrange(1, 256) for _ in range(20000)), "not a text document"),
    (bytes(RANDOM.randrange(0x80, 256) for _ in range(20000)), "not a text document"),
    (b"\x01\x02\x03\x04\x05\x06" * 1000, "control characters"),
    (b"\xff\xfe\x00\xd8", "byte-order mark"),
])
def test_input_that_is_not_text_is_refused_clearly(tmp_path, content, words):
    path, result = extract(tmp_path, content)
    output = result.output.replace("\n", "")
    assert result.exit_code == 1, result.output
    assert words in output and str(path) in output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_a_byte_order_mark_is_decoded(encoding):
    text = "某某县医改方案\n\n一、县域内就诊率达到90%以上。\n"
    bom = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}.get(encoding, b"")
    decoded, used = draft.decode(bom + text.encode(encoding))
    assert decoded == text and used.startswith("utf-16")


def test_a_file_larger_than_the_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(draft, "MAX_BYTES", 1000)
    path, result = extract(tmp_path, "医改方案。".encode() * 200)
    assert result.exit_code == 1 and "larger than" in result.output and str(path) in result.output.replace("\n", "")
    with pytest.raises(draft.NotText):
        draft.run("医改方案。".encode() * 200)


def test_a_page_with_a_few_damaged_bytes_is_still_drafted():
    raw = "某某县医改方案\n\n一、县域内就诊率达到90%以上。\n".encode() * 50 + b"\xff\xfe"
    result = draft.run(raw)
    assert result.encoding.startswith("utf-8 (") and len(result.tables["targets"]) == 50


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400))
def test_no_input_gives_a_traceback(content):
    try:
        result = draft.run(content)
    except draft.NotText as exc:
        assert str(exc)
    else:
        assert len(result.tables["plans"]) == 1
