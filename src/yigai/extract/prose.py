"""Read who is responsible for a task from its prose: the bodies that are the subject of a duty, in any section.

A task's text is read clause by clause (split at 。；，：！？). A clause names a responsible body when:

* it opens with bodies and a verb: X负责…, X牵头, X统筹…, X会同Y… (X lead, Y co), X、Y配合 / 协同 / 参与 / 给予支持 /
  按职责分工负责 (co), X要… / X应当… / X须… / 各X要… (the actor of the duty), X制定… / X组织… (a verb of doing
  right after the body: the actor too); a clause that opens with 会同Y after a lead makes Y co;
* it puts the body after 由: 由X牵头 / 由X负责 / 由X组织… / 由X会同Y制定… (X lead, Y co);
* it says X是…责任主体 (lead); X落实/履行/承担…责任 (lead, with or without 要).

Leading time words and fillers are not part of the subject (2017年10月底前全省所有三级公立医院都要… → 三级公立医院);
a list of bodies shares its noun (广州、深圳市三级公立医院 → 广州市三级公立医院, 深圳市三级公立医院; 汕头、韶关、云浮市
→ three cities); of alternatives joined by 或 the ones that name bodies are kept. A clause whose subject is not
made of body names (鼓励三级医院牵头…, 紧密型医共体可…, 主要负责人要…, 负责人, 负责制) gives nothing.

Roles: lead verbs give lead and co verbs co, not flagged; a body with only 要/应/须 or a verb of doing is the actor
of its duty but the text does not say whether it leads: role None, decided (and flagged) by
yigai.extract.agencies — lead when no other body of the task leads explicitly, else co. Every candidate is checked
by resolution (yigai.extract.agencies): words that do not resolve to a body are dropped without a report, since
prose is not known to name a body until it resolves.
"""

from __future__ import annotations

import re
from functools import lru_cache

from yigai import divisions, textscan
from yigai.extract import collectives
from yigai.extract.clauses import BODY_SUFFIX, Mention, shared_level

BOUNDARY = re.compile(r"[。；;，,：:！？!?\n]")
# Every alternative of the verb words opens with a literal character (so VERB_AT below is scanned for in C).
CO = r"按照?职责分?工?负责|分工负责|共同负责|给予(?:支持|配合|协助)|予以(?:支持|配合|协助)|积极配合|配合|协同|协助|参与"
LEAD = r"牵头抓总|牵头(?!单位|医院|部门|机构)|负责(?!人|同志|制(?!定|订)|的|任|单位|部门)|会同|统筹|主抓"
MODAL = r"要|应当|应该|应|须|必须|务必|着力|抓紧|不得"
DUTY = (r"制定|出台|建立|健全|组织(?!部)|开展|实施|实行|推进|推动|落实|履行|承担|完善|加强|强化|做好|提供|选派|安排|执行|确定|"
        r"明确|指导(?!中心)|督促|审核|核定|选择|成立|签订|加大|深化|研究(?!院|所|中心)|统一|自主|商讨|协商")
# A manner preposition right after a body (X根据…，优化…; X按照…要求，做好…): the body is the actor of the sentence.
MANNER = r"根据|按照|依照|依据|结合|围绕|通过"
VERB = re.compile(rf"(?P<co>{CO})|(?P<lead>{LEAD})|(?P<modal>{MODAL})|(?P<duty>{DUTY})|(?P<manner>{MANNER})")
# The same alternatives in the same order without the groups that name their kind: a match of VERB_AT is a match of
# VERB (same words, same priority), found by the regex engine's scan for the alternatives' first characters.
VERB_AT = re.compile("|".join((CO, LEAD, MODAL, DUTY, MANNER)))
# Verbs that may follow 由X (由X管理 as well as every verb above).
BY_VERB = re.compile(rf"{VERB.pattern}|(?P<by>管理|分配|审批|考核|确定|核定|选拔)")
STATED = re.compile(rf"(?P<co>{CO})|(?P<lead>{LEAD})")
RESPONSIBILITY = re.compile(r"责任|职责")
TAKES_RESPONSIBILITY = re.compile(r"^(?:落实|履行|承担|压实|扛起)")
OWNER = re.compile(r"^(?P<x>[^,，。；;]{2,40}?)是[^,，。；;]{0,24}(?:责任主体|第一责任人)")
BY = re.compile(r"由")
OPENING = re.compile(r"^(?:(?:同时|此外|另外|并且?|其中|原则上|为此|对此|今后|应由|由)|(?:到|至|在|于)?(?:19|20)\d{2}年(?:\d{1,2}月)?"
                     r"(?:\d{1,2}日)?(?:底|末)?(?:前|以前|之前|内|起)?|年内|年底前|今年|每年|\s)+")
ADVERBS = re.compile(r"(?:等部门|等单位|等|都|均|也|还|要|应当|应|须|必须|积极|主动|继续|同时|共同|切实|具体|分别|进一步|"
                     r"要加快|加快|认真|统一|自主|按规定|依法|有计划地|全部|全面|一律|按照?职责分?工?|每年|每季度|每月|定期)+$")
ALTERNATIVE = re.compile(r"或者|或是|或")
JOINERS = ("、", "和", "及", "与", "以及")
COLLECTIVE_END = ("政府", "部门", "机关", "医院", "机构", "卫生院", "中心", "医共体", "医联体", "集团", "共同体", "联合体",
                  "领导小组", "医改办", "财政", "各地", "各地区", "市（州）", "市(州)", "行委）", "行委)", "区）", "区)",
                  "市）", "市)", "以上市", "省辖市", "设区市", "单位", "各市", "各州", "各县", "各区", "街道", "乡镇", "镇")
LEVEL_WORDS = ("省", "市", "州", "县", "区", "乡", "镇")
LEVEL_NOUN = re.compile(r"^[省市州县区乡镇](?P<noun>级.+)$")
MAX_SUBJECT = 80
# How many verbs of a clause are tried as the end of its subject (深化医改领导小组要…: 深化 is part of the name).
MAX_VERBS = 4
NAME_CHARACTERS = re.compile(r"[\u3400-\u9fff（）()、]+")
TRAILING_BRACKET = re.compile(r"[(（][^()（）]*[)）]$")
ITEM_MARKS = re.compile(r"[(（)）、]")  # what splitting a run of bodies looks at


def _plausible(name: str) -> bool:
    """True when words could name a body (an ending of a body or of a collective, or a division's name)."""
    if len(name) < 2 or not NAME_CHARACTERS.fullmatch(name):
        return False
    bracket = TRAILING_BRACKET.search(name)
    if bracket and bracket.start() >= 2 and not name.endswith(("区）", "区)", "市）", "市)", "行委）", "行委)")):
        name = name[:bracket.start()]
    if name.endswith(BODY_SUFFIX) or name.endswith(COLLECTIVE_END):
        return True
    found = divisions.find_in(name)
    return bool(found) and sum(len(d.name) for d in found) == len(name)


@lru_cache(maxsize=1)
def _name_endings() -> re.Pattern[str]:
    """The characters a plausible name can end with: the last character of a body or collective ending, or of a
    division's name (see `_plausible`).

    Every name `_bodies` checks ends with a character of its subject: the list splitting keeps the characters of
    each item, `_shared_noun` appends to an item the tail of the last item, `shared_level` prefixes a level word, and
    a trailing bracket that `_plausible` sets aside leaves a character of the name before it. So a subject without
    any of these characters names no body, and a clause whose first MAX_SUBJECT + 8 characters (where its verbs are
    looked for) hold none gives no subject that names one. Likewise a subject without 或 is one part whose last item
    ends with the subject's last character (unless that is a 、), so that character must be one of them.
    """
    endings = {word[-1] for word in BODY_SUFFIX + COLLECTIVE_END} | {name[-1] for name in divisions.searchable_names()}
    return re.compile("[" + "".join(re.escape(char) for char in sorted(endings)) + "]")


def _split_items(subject: str, offset: int) -> list[tuple[str, int, int]]:
    """Split a run of bodies at 、 (outside brackets) and at 和/及/与 after a body's name; (name, start, end)."""
    pieces, depth, begin = [], 0, 0
    scopes = _listed_scopes()
    joined = max(len(w) for w in scopes if subject.startswith(w)) if subject.startswith(scopes) else 0  # 各区、县（市）…
    for mark in ITEM_MARKS.finditer(subject):
        i, char = mark.start(), mark.group()
        if char in "(（":
            depth += 1
        elif char in ")）":
            depth = max(0, depth - 1)
        elif char == "、" and depth == 0 and i >= joined:
            pieces.append((begin, i))
            begin = i + 1
    pieces.append((begin, len(subject)))
    out = []
    for s, e in pieces:
        part = subject[s:e]
        for joiner in JOINERS[1:]:
            k = part.find(joiner)
            if k > 0 and _plausible(part[:k]) and _plausible(part[k + len(joiner):]):
                out += [(part[:k], offset + s, offset + s + k),
                        (part[k + len(joiner):], offset + s + k + len(joiner), offset + e)]
                break
        else:
            out.append((part, offset + s, offset + e))
    return [(name, start, end) for name, start, end in out if name]


@lru_cache(maxsize=1)
def _listed_scopes() -> tuple[str, ...]:
    """Scope words that hold a 、 (各区、县（市）, 各市、州): one collective, not a list of bodies."""
    table = collectives.rules()
    return tuple(w for w in list(table.scopes) + list(table.prefecture_counties) if "、" in w)


def _shared_noun(items: list[tuple[str, int, int]]) -> list[str]:
    """The names to resolve: 广州、深圳市三级公立医院 → 广州市三级公立医院, 深圳市三级公立医院 (a list sharing its noun)."""
    names = [name for name, _, _ in items]
    if len(items) < 2:
        return names
    level = LEVEL_NOUN.match(names[-1])
    if level:   # 市、县级人民政府 → 市级人民政府, 县级人民政府
        return [name + level.group("noun") if name in LEVEL_WORDS else name for name in names[:-1]] + [names[-1]]
    last = divisions.find_in(names[-1])
    if not last:
        return names
    head = last[-1].name
    suffix = next((s for s in ("市", "县", "区", "州", "盟", "旗") if head.endswith(s)), "")
    noun = names[-1][sum(len(d.name) for d in last):]
    out = []
    for name in names[:-1]:
        full = name if name.endswith(suffix) else name + suffix
        found = divisions.find_in(full)
        out.append(full + noun if found and sum(len(d.name) for d in found) == len(full) else name)
    return out + [names[-1]]


def _bodies(subject: str, offset: int) -> list[tuple[str, str, int, int]] | None:
    """The bodies a subject names, as (name to resolve, words as printed, start, end); None when it names none."""
    if not _name_endings().search(subject):
        return None   # cheap necessary condition (see _name_endings)
    return _read_bodies(subject, offset)


def _read_bodies(subject: str, offset: int) -> list[tuple[str, str, int, int]] | None:
    """`_bodies` without its cheap test: the subject is read in full."""
    lead = len(subject) - len(subject.lstrip())
    subject = subject.strip()
    opening = OPENING.match(subject)
    if opening:
        offset, subject = offset + opening.end(), subject[opening.end():]
    subject = ADVERBS.sub("", subject)
    if not subject or len(subject) > MAX_SUBJECT or subject.endswith(("负责同志", "负责人", "主要领导")):
        return None
    if "或" not in subject and subject[-1] != "、" and not _name_endings().match(subject, len(subject) - 1):
        return None   # one part, whose last item ends with the subject's last character: no name ends so
    kept = []
    parts, begin = [], 0
    for match in ALTERNATIVE.finditer(subject):
        parts.append((begin, match.start()))
        begin = match.end()
    parts.append((begin, len(subject)))
    for s, e in parts:
        items = _split_items(subject[s:e], offset + lead + s)
        names = shared_level(_shared_noun(items))
        if items and all(_plausible(name) for name in names):
            kept += [(name, words, start, end) for name, (words, start, end) in zip(names, items)]
    return kept or None


def _mentions(bodies, role: str | None) -> list[Mention]:
    return [Mention(words, start, end, role, "prose", flagged=role is None, name=name if name != words else None)
            for name, words, start, end in bodies]


def _role(verb: re.Match, chunk: str) -> str | None:
    """The role a verb states: lead, co, or None (an actor whose role the text does not state)."""
    if verb.lastgroup == "modal":
        stated = STATED.search(chunk, verb.end(), verb.end() + 6)   # 要加强统筹, 要积极配合
        if stated:
            return stated.lastgroup
        verb = VERB.search(chunk, verb.end(), verb.end() + 5) or verb
    if TAKES_RESPONSIBILITY.match(verb.group()) and RESPONSIBILITY.search(chunk, verb.end()):
        return "lead"
    return verb.lastgroup if verb.lastgroup in ("lead", "co") else None  # modal, duty, manner: the actor


def _by(chunk: str, start: int) -> list[Mention]:
    """由X…: X is the lead (and Y in 由X会同Y / 由X与Y … co)."""
    out: list[Mention] = []
    for match in BY.finditer(chunk):
        tail = chunk[match.end():match.end() + MAX_SUBJECT + 10]
        for verb in textscan.finditer(BY_VERB, tail):
            if verb.start() < 2:
                continue
            subject = tail[:verb.start()]
            partner = re.search(r"(?:与|和|会同)(?P<y>[^与和]{2,30})$", subject)
            x = subject[:partner.start()] if partner else subject
            found = _bodies(x, start + match.end())
            if found:
                out += _mentions(found, "lead")
                if partner:
                    out += _mentions(_bodies(partner.group("y"), start + match.end() + partner.start("y")) or [], "co")
                elif verb.group() == "会同":
                    out += _with(tail, verb.end(), start + match.end())
                return out
            break
    return out


def _with(chunk: str, position: int, offset: int) -> list[Mention]:
    """会同Y…: the bodies Y, up to the next verb, are co."""
    verb = VERB_AT.search(chunk, position + 2)   # where VERB matches first
    end = verb.start() if verb else len(chunk)
    return _mentions(_bodies(chunk[position:end], offset + position) or [], "co")


def read_prose(text: str, start: int, end: int, skip: list[tuple[int, int]]) -> list[Mention]:
    """Read the bodies that act as subjects in text[start:end], outside the spans in `skip` (the clauses).

    Returns candidates: the caller keeps those that resolve to a body and decides the role of those whose verb
    does not state it (role None).
    """
    mentions: list[Mention] = []
    led = False
    skip, k = sorted(skip), 0
    has_ending = _name_endings().search
    window = MAX_SUBJECT + 8   # where the verbs of a clause are looked for (see _read_chunk)
    chunk_end = start - 1
    for chunk in BOUNDARY.split(text[start:end]):   # the clauses (every boundary is one character long)
        this_start = chunk_end + 1
        chunk_end = this_start + len(chunk)
        while k < len(skip) and skip[k][1] <= this_start:
            k += 1
        if (k < len(skip) and skip[k][0] <= this_start) or not chunk:
            continue
        ending = has_ending(chunk)
        if not ending:
            continue   # every body of a clause is read from words in it, so none is found (see _name_endings)
        found = _read_chunk(chunk, this_start, led, ending.start())
        if found:   # a clause that names nobody leaves `led` as it was
            led = any(m.role == "lead" for m in found)
            mentions += found
    return mentions


def _read_chunk(chunk: str, offset: int, led: bool, first_ending: int) -> list[Mention]:
    """The mentions of one clause (`led`: the clause before named a lead, so a clause opening with 会同Y makes Y co).

    `first_ending`: where the clause's first character a name can end with is (see _name_endings). The words before
    a verb hold one when the verb comes after it, so `_bodies` would read them in full, and give None otherwise.
    """
    if led and chunk.lstrip().startswith("会同"):
        at = chunk.index("会同") + 2
        return _with(chunk, at, offset)
    owner = OWNER.match(chunk) if "是" in chunk and ("责任主体" in chunk or "第一责任人" in chunk) else None
    if owner:
        found = _bodies(owner.group("x"), offset)
        if found:
            return _mentions(found, "lead")
    window = MAX_SUBJECT + 8
    verbs = (VERB.match(chunk, at.start(), window) for at in VERB_AT.finditer(chunk, 0, window)) \
        if first_ending < window \
        else ()   # no subject before a verb can name a body (see _name_endings): only 由X… is left to read
    for k, verb in enumerate(verbs):
        if k >= MAX_VERBS:
            break
        by = chunk.find("由", 0, verb.start())
        if by >= 0 and chunk[by + 1:by + 2] != "于":
            break   # 日常工作由X承担: the body comes after 由
        found = _read_bodies(chunk[:verb.start()], offset) if verb.start() > first_ending else None
        if found:
            out = _mentions(found, _role(verb, chunk))
            if verb.group() == "会同" or chunk[verb.end():verb.end() + 2] == "会同":
                out += _with(chunk, chunk.index("会同", verb.start()) + 2, offset)
            return out
    return _by(chunk, offset) if "由" in chunk else []
