"""Byte-level damage: runs decoded one GBK byte out of step are found, re-read, and repaired or flagged."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from yigai.changes import Change
from yigai.normalise import garble, gbk
from yigai.normalise.garble import Reading, Run


def damage(original: str, index: int) -> str:
    """Simulate the damage: the lead byte of original[index] becomes '?', and the bytes after it are decoded in
    pairs (user-defined codes as Private Use Area characters, invalid pairs as one '?', full-width forms as
    ASCII) until an ASCII byte comes first in a pair."""
    data = bytearray()
    for k, ch in enumerate(original):
        code = ch.encode("gbk")
        if k == index:
            code = b"?" + code[1:]
        data += code
    out, i = [], 0
    while i < len(data):
        lead = data[i]
        if lead < 0x80 or i + 1 == len(data):
            out.append(chr(lead) if lead < 0x80 else "?")
            i += 1
            continue
        try:
            ch = bytes(data[i:i + 2]).decode("gbk")
        except UnicodeDecodeError:
            ch = _pua(data[i], data[i + 1]) or "?"
        if "\uff01" <= ch <= "\uff5e":
            ch = chr(ord(ch) - 0xFEE0)
        out.append(ch)
        i += 2
    return "".join(out)


def _pua(lead: int, trail: int) -> str | None:
    for cp in range(0xE000, 0xE766):
        if gbk.pua_bytes(chr(cp)) == bytes([lead, trail]):
            return chr(cp)
    return None


def test_the_damage_model_reproduces_the_guangdong_runs():
    assert damage("醫保基金總額管理", 1) == "醫?;\ue2ae鹂傤~管理"
    assert damage("集團。總結(jié)", 2) == "集團??偨Y(jié)"
    assert damage("建專科聯(lián)盟", 1) == "建??坡?lián)盟"


def test_private_use_characters_map_back_to_gbk_user_defined_codes():
    assert gbk.pua_bytes("\ue2ae") == bytes([0xF9, 0xBD])
    assert gbk.pua_bytes("\ue0d2") == bytes([0xAC, 0xB7])
    assert gbk.pua_bytes("\ue4c6") == bytes([0xA1, 0x40])
    assert gbk.pua_bytes("中") is None


def test_a_run_is_found_and_read_back_except_its_lost_byte():
    text = "以" + damage("醫保基金總額管理", 1)
    [run] = garble.find_runs(text)
    assert run.text == "?;\ue2ae鹂傤~"
    reading = garble.readings(run)[0]
    assert "保" in reading.slots[0]
    assert [slot[0] for slot in reading.slots[1:]] == list("基金總額")
    assert not reading.certain


def test_a_swallowed_annotation_bracket_ends_the_run():
    [run] = garble.find_runs("組建??坡?lián)盟")
    assert (run.text, run.fragment) == ("??坡?lián)", "lián")
    reading = garble.readings(run)[0]
    assert "專" in reading.slots[0] and reading.slots[1] == ("科",) and "聯" in reading.slots[2]


def test_damaged_runs_are_flagged_and_left_in_place():
    text = "醫療集團??偨Y(jié)推廣"
    result = garble.run(text)
    assert result.edits == []
    [note] = result.notes
    assert (note.change.kind, note.change.status) == ("garbled-bytes", "flagged")
    assert text[note.start:note.end] == "??偨Y"
    assert "總結" in note.change.reason and "corrections.yml" in note.change.reason


def test_a_certain_reading_is_repaired(monkeypatch):
    monkeypatch.setattr(garble, "readings", lambda run: [Reading((("專",), ("科",)))])
    result = garble.run("組建?坡盟")
    [edit] = result.edits
    assert edit.replacement == "專科"
    assert result.notes[0].change.status == "repaired"


def test_question_marks_of_ordinary_text_are_not_damage():
    assert garble.find_runs("是否落实? 是。") == []
    assert garble.find_runs("What? (DRGs)") == []
    assert garble.find_runs("医疗服务(yī)与卫生") == []


def test_an_isolated_lost_byte_is_one_character_run():
    [run] = garble.find_runs("医疗?服务")
    assert run == Run(2, 3, "?")


# Characters whose trail byte is A3 are left out: out of step, A3 pairs with the next lead byte into a full-width
# letter or digit that the serving site rewrote as ASCII, which the run finder takes for the end of the run.
_TRADITIONAL = sorted(ch for ch in gbk.common_characters()
                      if "\u4e00" <= ch <= "\u9fff" and ch.encode("gbk")[1] != 0xA3)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_TRADITIONAL), min_size=3, max_size=10), st.data())
def test_every_simulated_run_is_found_and_its_characters_are_among_the_readings(chars, data):
    original = "".join(chars) + "(a)"
    index = data.draw(st.integers(1, len(chars) - 2))
    damaged = damage(original, index)
    runs = garble.find_runs(damaged)
    assert runs and runs[0].start == index
    options = garble.readings(runs[0])
    assert any(all(slot is None or original[index + k] in slot for k, slot in enumerate(r.slots))
               for r in options)


def test_flags_name_candidates():
    change: Change = garble.run("以醫?;\ue2ae鹂傤~管理").notes[0].change
    assert "基金總額" in change.reason and "保" in change.reason
