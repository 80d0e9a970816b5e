"""Who visited whom: the ``visitor`` and ``host`` of the visit record (spec §5), by rules.

The delegation names its place (`北京市党政代表团`, `毕节市人大考察团`,
`我市党政代表团`), and its movement names the host (`赴上海市`, `来我市`,
`先后到烟台、青岛、潍坊`, `来津`, `在苏州考察`). :func:`find_parties` reads
these from the headline (the first lines, and the metadata title when given)
and the lead; when the text does not say, the visitor is the place of the
leaders' posts and the host the report's own place (`我市`) or the place most
officials' posts name besides the visitor.

Each party is a :class:`Party`: the place as the text names it at its
fullest (`贵州省黔西南州` when the text ever writes the province in front of
it, else `黔西南州`), and its normalized jurisdiction.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from kaocha.jurisdictions import Division, Jurisdiction, gazetteer, normalize_jurisdiction
from kaocha.report_places import PlaceMention, find_places, home_places, of_level

DELEGATION = re.compile(r"(?:党政|党委|政府|人大|政协|市委|县委|区委|州委|省委|旗委|人大常委会)*"
                        r"(?:学习)?(?:代表团|考察团|考察组|调研组|参观团|访问团|调研团|学习团|考察学习团|工作组|党政团)")
MOVE = re.compile(r"(?:(?:一行|\d+人|[一二三四五六七八九十]+人)*[,、]?)?(?:先后|分别|专程|近日|日前|一同|再次|首次|又)?"
                  r"(?:赴|到|来到|来|抵达|抵|在|莅临|前往|走进|深入|考察)")
LIST_SEP = re.compile(r"^(?:、|和|及|与|以及|,)")
OWN = re.compile(r"^我(自治区|省|市|州|县|区|旗|盟)")
FILLER_BEFORE_DELEGATION = re.compile(r"(?:党政|党委|政府|人大|政协|人大常委会|市委|县委|区委|州委|省委|旗委|、|和)*$")
PROVINCE_ABBREVIATIONS = {
    "京": "北京市", "津": "天津市", "冀": "河北省", "晋": "山西省", "蒙": "内蒙古自治区", "辽": "辽宁省", "吉": "吉林省",
    "黑": "黑龙江省", "沪": "上海市", "苏": "江苏省", "浙": "浙江省", "皖": "安徽省", "闽": "福建省", "赣": "江西省",
    "鲁": "山东省", "豫": "河南省", "鄂": "湖北省", "湘": "湖南省", "粤": "广东省", "桂": "广西壮族自治区", "琼": "海南省",
    "渝": "重庆市", "川": "四川省", "蜀": "四川省", "黔": "贵州省", "滇": "云南省", "藏": "西藏自治区", "陕": "陕西省",
    "甘": "甘肃省", "陇": "甘肃省", "青": "青海省", "宁": "宁夏回族自治区", "新": "新疆维吾尔自治区"}
AFTER_ABBREVIATION = re.compile(r"^(?:考察|学习|调研|参观|开展|交流|对接|洽谈|商谈|推进|座谈|访问|,|。)")
HEAD_LINES = 4


@dataclass
class Party:
    written: str
    jurisdiction: Jurisdiction

    @property
    def division(self) -> Division | None:
        return gazetteer().by_code.get(self.jurisdiction.code) if self.jurisdiction.code else None


@dataclass
class Parties:
    visitor: list[Party] = field(default_factory=list)
    host: list[Party] = field(default_factory=list)
    home: dict[str, str] = field(default_factory=dict)
    how: dict[str, str] = field(default_factory=dict)  # visitor/host → which cue decided it


class _Reader:
    """Place mentions of one text, with the text's fullest form of each division."""

    def __init__(self, text: str):
        self.text = text
        self.mentions = find_places(text)
        self.by_start = {m.start: m for m in self.mentions}
        self.counts = Counter(m.division.code for m in self.mentions)
        self.fullest: dict[str, str] = {}
        for m in self.mentions:
            best = self.fullest.get(m.division.code)
            if best is None or len(m.written) > len(best):
                self.fullest[m.division.code] = m.written

    def party(self, division: Division, written: str | None = None) -> Party:
        form = self.fullest.get(division.code, written or division.name)
        if written and len(written) > len(form):
            form = written
        return Party(form, normalize_jurisdiction(form))

    def mention_ending_at(self, end: int, text: str | None = None) -> PlaceMention | None:
        best = None
        for m in self.mentions:
            if m.end == end and (best is None or m.start < best.start):
                best = m
        return best


def _places_after(reader: _Reader, text: str, offset: int, home: dict[str, str], visitor_codes: set[str]) -> list[Party]:
    """The place list at ``offset`` of ``text`` (`烟台、青岛、潍坊`, `我市`, `津`)."""
    parties: list[Party] = []
    i = offset
    while i < len(text):
        own = OWN.match(text[i:])
        mention = reader.by_start.get(i) if text is reader.text else None
        if mention is None and text is not reader.text:
            from kaocha.report_places import place_at
            mention = place_at(text, i, stems=set(reader.counts))
        if own:
            if own.group(1) in home:
                division = normalize_jurisdiction(home[own.group(1)])
                parties.append(reader.party(gazetteer().by_code[division.code]) if division.code else Party(home[own.group(1)], division))
            i += own.end()
        elif mention is not None:
            parties.append(reader.party(mention.division, mention.written))
            i = mention.end
        elif not parties and i + 1 <= len(text) and AFTER_ABBREVIATION.match(text[i + 1:]):
            party = _abbreviation(reader, text[i], visitor_codes)
            if party:
                parties.append(party)
            break
        else:
            break
        sep = LIST_SEP.match(text[i:])
        if not sep:
            break
        i += sep.end()
    return parties


def _abbreviation(reader: _Reader, char: str, visitor_codes: set[str]) -> Party | None:
    """A one-character name (`来津`, `来邮`, `来苏`): the place of the text containing it, else the province."""
    gaz = gazetteer()
    candidates = [(count, code) for code, count in reader.counts.items()
                  if char in gaz.by_code[code].name and code not in visitor_codes]
    if candidates:
        candidates.sort(key=lambda x: (-x[0], -len(x[1].rstrip("0"))))
        return reader.party(gaz.by_code[candidates[0][1]])
    if char in PROVINCE_ABBREVIATIONS:
        j = normalize_jurisdiction(PROVINCE_ABBREVIATIONS[char])
        return reader.party(gaz.by_code[j.code])
    return None


def _head(text: str, title: str | None) -> list[tuple[str, int]]:
    """``(segment, offset in text or -1)``: the metadata title, then the first lines and the lead sentence."""
    out = []
    if title:
        out.append((title, -1))
    offset = 0
    for line in text.split("\n")[:HEAD_LINES]:
        out.append((line, offset))
        offset += len(line) + 1
    return out


def find_parties(text: str, leaders_jurisdictions: list[Jurisdiction] = (), post_jurisdictions: list[Jurisdiction] = (),
                 title: str | None = None) -> Parties:
    """Visitor and host of a report (see the module docstring)."""
    reader = _Reader(text)
    home = home_places(text)
    out = Parties(home=home)
    for segment, offset in _head(text, title):
        for match in DELEGATION.finditer(segment):
            if out.visitor and out.host:
                break
            before = segment[:match.start()]
            filler = FILLER_BEFORE_DELEGATION.search(before)
            end = filler.start() if filler else len(before)
            visitor = _visitor_before(reader, segment, offset, end, home)
            if visitor and not out.visitor:
                out.visitor, out.how["visitor"] = visitor, "delegation"
            move = MOVE.match(segment, match.end())
            if move and not out.host:
                host = _places_after(reader, text if offset >= 0 else segment,
                                     (offset + move.end()) if offset >= 0 else move.end(), home,
                                     {p.jurisdiction.code for p in out.visitor})
                host = [p for p in host if p.written not in {v.written for v in out.visitor}]
                if host:
                    out.host, out.how["host"] = host, "movement"
        if out.visitor and out.host:
            break
    if not out.visitor and leaders_jurisdictions:
        known = [j for j in leaders_jurisdictions if j is not None]
        if known:
            out.visitor, out.how["visitor"] = [reader.party(gazetteer().by_code[known[0].code], known[0].written)
                                               if known[0].code else Party(known[0].written, known[0])], "leaders"
    if not out.host:
        visitor_codes = {p.jurisdiction.code for p in out.visitor}
        for word in ("市", "县", "区", "州", "省", "自治区", "旗", "盟"):
            if word in home:
                j = normalize_jurisdiction(home[word])
                if j.code and j.code not in visitor_codes:
                    out.host, out.how["host"] = [reader.party(gazetteer().by_code[j.code])], "home"
                    break
    if not out.host and post_jurisdictions:
        gaz = gazetteer()
        visitor_divisions = [p.division for p in out.visitor if p.division]
        counts = Counter(j.code for j in post_jurisdictions if j is not None and j.code
                         and not any(gaz.related(v, gaz.by_code[j.code]) for v in visitor_divisions))
        if counts:
            code = counts.most_common(1)[0][0]
            out.host, out.how["host"] = [reader.party(gaz.by_code[code])], "posts"
    return out


def _visitor_before(reader: _Reader, segment: str, offset: int, end: int, home: dict[str, str]) -> list[Party]:
    """The place(s) that end at ``end`` of ``segment`` (`北京市`, `浙江省、宁波市`, `我市`)."""
    own = re.search(r"我(自治区|省|市|州|县|区|旗|盟)$", segment[:end])
    if own:
        if own.group(1) in home:
            j = normalize_jurisdiction(home[own.group(1)])
            return [reader.party(gazetteer().by_code[j.code]) if j.code else Party(home[own.group(1)], j)]
        return []
    if offset >= 0:
        mention = reader.mention_ending_at(offset + end)
    else:
        from kaocha.report_places import place_at
        mention = None
        for start in range(max(0, end - 20), end - 1):
            m = place_at(segment, start, stems=set(reader.counts))
            if m and m.end == end:
                mention = m
                break
    if mention is None:
        return []
    return [reader.party(mention.division, mention.written)]
