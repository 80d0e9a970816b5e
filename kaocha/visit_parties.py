"""Who visited whom: the ``visitor`` and ``host`` of the visit record (spec §5), by rules.

The headline (the metadata title when given, and the first lines) and the
lead sentence say it in a few shapes, read by :func:`read_clause`:

* a delegation names its place (`北京市党政代表团`, `毕节市人大考察团`,
  `我市党政代表团`);
* a movement names the host (`赴上海市`, `来我市`, `先后到烟台、青岛、潍坊`,
  `来津`, `在苏州考察`, `莅临刚察县`);
* without a delegation word, the first place of the clause before the
  movement is the visitor (`黑河市委书记李锡文来珠海座谈`,
  `天津市援甘前方指挥部来泾川县`), and `市领导带队赴…` is the report's own place.

The visitor is the first one found; the host list is the lead sentence's when
it is at least as specific as the headline's (`南昌萍乡新余` in the headline,
`南昌市湾里区、萍乡市莲花县…` in the lead), else the first found. When the
text does not say, the visitor is the place of the leaders' posts and the
host the report's own place (`我市`) or the place most officials' posts name
besides the visitor.

Each party is a :class:`Party`: the place as the text names it at its
fullest (a form ending in the division's own suffix first, then the longest:
`贵州省黔西南州` over `黔西南州`, `密云区` over `北京密云`; a list item takes
the place written before the first item, `龙岩市长汀县、上杭县` →
`龙岩市上杭县`), and its normalized jurisdiction.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from kaocha.jurisdictions import Division, Jurisdiction, gazetteer, normalize_jurisdiction
from kaocha.report_places import OWN_ARRIVAL, PlaceMention, find_places, home_places, most_named, of_level, place_at

DELEGATION = re.compile(r"(?:党政|党委|政府|人大|政协|市委|县委|区委|州委|省委|旗委|人大常委会)*"
                        r"(?:学习)?(?:代表团|考察团|考察组|调研组|参观团|访问团|调研团|学习团|考察学习团|工作组|党政团|慰问团)")
MOVE = re.compile(r"(?:赴|来到|来|到|抵达|飞抵|抵|莅临|前往|走进|深入|访问|来访|在)")
OWN = re.compile(r"^我(自治区|省|市|州|县|区|旗|盟)")
OWN_LEADERS = re.compile(r"(?:^|[,。 ])(自治区|省|市|州|县|区|旗|盟)(?:领导|委领导|政府领导|委书记|长)")
LIST_SEP = re.compile(r"^(?:、|和|及|与|以及|,|/)")
ZONE = re.compile(r"^[\u4e00-\u9fff]{2,6}?(?:经开区|经济技术开发区|高新区|高新技术产业开发区|开发区|新区|保税区|合作区|示范区)")
FILLER_BEFORE_DELEGATION = re.compile(r"(?:党政|党委|政府|人大|政协|人大常委会|市委|县委|区委|州委|省委|旗委|、|和)*$")
PROVINCE_ABBREVIATIONS = {
    "京": "北京市", "津": "天津市", "冀": "河北省", "晋": "山西省", "蒙": "内蒙古自治区", "辽": "辽宁省", "吉": "吉林省",
    "黑": "黑龙江省", "沪": "上海市", "苏": "江苏省", "浙": "浙江省", "皖": "安徽省", "闽": "福建省", "赣": "江西省",
    "鲁": "山东省", "豫": "河南省", "鄂": "湖北省", "湘": "湖南省", "粤": "广东省", "桂": "广西壮族自治区", "琼": "海南省",
    "渝": "重庆市", "川": "四川省", "蜀": "四川省", "黔": "贵州省", "滇": "云南省", "藏": "西藏自治区", "陕": "陕西省",
    "甘": "甘肃省", "陇": "甘肃省", "青": "青海省", "宁": "宁夏回族自治区", "新": "新疆维吾尔自治区"}
# What may follow a place read from its bare stem right after a movement (`来禹城参观`, not `解放思想`).
AFTER_STEM = re.compile(r"^(?:考察|学习|调研|参观|开展|交流|对接|洽谈|座谈|访问|进行|实地|看望|慰问|推进|举行|召开|期间|,|、|和|及|与|。|$|[\u4e00-\u9fff]{0,4}(?:考察|学习|调研))")
# Division names that are generic words (`城区` of 长治/阳泉/晋城): never read alone.
GENERIC_NAMES = frozenset({"城区", "郊区", "矿区", "新区", "市中区"})
AFTER_ABBREVIATION = re.compile(r"^(?:考察|学习|调研|参观|开展|交流|对接|洽谈|商谈|推进|座谈|访问|,|。)")
CLAUSE_END = re.compile(r"[,。;!?\n]")
SENTENCE_END = re.compile(r"[。!?\n]")
HEAD_LINES = 4
LEAD_CHARS = 600


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


def _form_rank(written: str, division: Division) -> tuple[int, int]:
    return (1 if written.endswith(division.name[-1]) else 0, len(written))


class _Reader:
    """Place mentions of one text, with the text's fullest form of each division."""

    def __init__(self, text: str):
        self.text = text
        self.mentions = find_places(text)
        self.by_start = {m.start: m for m in self.mentions}
        self.counts = Counter(m.division.code for m in self.mentions)
        self.fullest: dict[str, str] = {}
        previous: PlaceMention | None = None
        for m in self.mentions:
            for form in (m.written, self._with_list_prefix(previous, m)):
                if form and (m.division.code not in self.fullest
                             or _form_rank(form, m.division) > _form_rank(self.fullest[m.division.code], m.division)):
                    self.fullest[m.division.code] = form
            previous = m

    def _with_list_prefix(self, previous: PlaceMention | None, m: PlaceMention) -> str | None:
        """`龙岩市长汀县、上杭县`: the second item with the first one's written parent in front."""
        if previous is None or not LIST_SEP.match(self.text[previous.end:m.start]) or m.start - previous.end > 2:
            return None
        return list_prefixed(previous, m.written, m.division)

    def party(self, division: Division, written: str | None = None) -> Party:
        """The division as the text names it at its fullest (``written``, the form just read, when the text
        names it no other way)."""
        form = self.fullest.get(division.code) or written or division.name
        if written and _form_rank(written, division) > _form_rank(form, division):
            form = written
        return Party(form, normalize_jurisdiction(form))

    def mention_ending_at(self, end: int) -> PlaceMention | None:
        best = None
        for m in self.mentions:
            if m.end == end and (best is None or m.start < best.start):
                best = m
        return best


def list_prefixed(first: PlaceMention, written: str, division: Division) -> str | None:
    """``written`` with the part of ``first`` that names an ancestor of ``division`` in front, or None."""
    gaz = gazetteer()
    for cut in range(len(first.written) - 1, 1, -1):
        prefix = first.written[:cut]
        head = place_at(prefix, 0)
        if head is None or head.end != len(prefix):
            continue
        if gaz.contains(head.division, division) and head.division.code != division.code and not written.startswith(prefix):
            return prefix + written
    return None


def _place_list(reader: _Reader, text: str, offset: int, home: dict[str, str], visitor_codes: set[str]) -> list[Party]:
    """The place list at ``offset`` of ``text`` (`烟台、青岛、潍坊`, `南昌萍乡新余`, `我市`, `津`)."""
    parties: list[Party] = []
    first: PlaceMention | None = None
    i = offset
    while i < len(text):
        own = OWN.match(text[i:])
        mention = place_at(text, i, stems="all")
        if mention is not None and (mention.written in GENERIC_NAMES or (
                place_at(text, i, stems=True) is None and not AFTER_STEM.match(text[mention.end:]))):
            mention = None  # a county's bare stem that is a word here (`解放思想`, `合作事宜`)
        zone = ZONE.match(text[i:])
        if own:
            party = _home_party(reader, home, own.group(1))
            if party is not None:
                parties.append(party)
            i += own.end()
        elif zone and (mention is None or zone.end() > mention.end - i):
            inside = place_at(zone.group(0), 0, stems=True)
            if inside is not None:  # `镇江新区`, `赣州经开区`: the zone's city
                parties.append(reader.party(inside.division, inside.written))
            else:  # `万盛经开区`: a zone the gazetteer does not have, as written
                parties.append(Party(zone.group(0), normalize_jurisdiction(zone.group(0))))
            i += zone.end()
        elif mention is not None:
            written = mention.written
            if first is not None:
                written = list_prefixed(first, written, mention.division) or written
            else:
                first = mention
            parties.append(reader.party(mention.division, written))
            i = mention.end
        elif not parties and AFTER_ABBREVIATION.match(text[i + 1:]):
            party = _abbreviation(reader, text[i], visitor_codes)
            if party:
                parties.append(party)
            break
        else:
            break
        sep = LIST_SEP.match(text[i:])
        if sep:
            i += sep.end()
        elif not (place_at(text, i, stems="all") or OWN.match(text[i:])):
            break
    return parties


def _jurisdiction_of(division: Division) -> Jurisdiction:
    return normalize_jurisdiction(division.name)


def _home_party(reader: _Reader, home: dict[str, str], word: str) -> Party | None:
    if word not in home:
        return None
    j = normalize_jurisdiction(home[word])
    return reader.party(gazetteer().by_code[j.code]) if j.code else Party(home[word], j)


def _abbreviation(reader: _Reader, char: str, visitor_codes: set[str]) -> Party | None:
    """A one-character name (`来津`, `来邮`, `来苏`, `来舒`): the place of the text containing it, else the province."""
    gaz = gazetteer()
    candidates = [(count, code) for code, count in reader.counts.items()
                  if char in gaz.by_code[code].name and code not in visitor_codes]
    written: dict[str, str] = {}
    if not candidates:  # a county named only by its stem (`舒城规划馆`)
        stems = {}
        for form, divisions in gaz.short.items():
            if char in form and len(form) >= 2 and form in reader.text:
                for d in divisions:
                    if d.code not in visitor_codes:
                        stems[d.code] = reader.text.count(form)
                        written[d.code] = form
        candidates = [(count, code) for code, count in stems.items()]
    if candidates:
        candidates.sort(key=lambda x: (-x[0], -len(x[1].rstrip("0"))))
        code = candidates[0][1]
        return reader.party(gaz.by_code[code], written.get(code))
    if char in PROVINCE_ABBREVIATIONS:
        j = normalize_jurisdiction(PROVINCE_ABBREVIATIONS[char])
        return reader.party(gaz.by_code[j.code])
    return None


def _segments(text: str, title: str | None) -> list[tuple[str, str]]:
    """``(kind, segment)``: the metadata title, the first lines, then the lead's sentences."""
    out = []
    if title:
        out.append(("head", title))
    lines = [line for line in text.split("\n")[:HEAD_LINES] if line.strip()]
    out += [("head", line[:120]) for line in lines if len(line) <= 60]
    lead = text[:LEAD_CHARS]
    for sentence in SENTENCE_END.split(lead):
        if MOVE.search(sentence) and len(sentence) > 8:
            out.append(("lead", sentence))
    return out


def read_clause(reader: _Reader, segment: str, home: dict[str, str], known_visitor: set[str]):
    """``(visitor parties, host parties)`` a headline or sentence states (either may be empty)."""
    visitor: list[Party] = []
    host: list[Party] = []
    delegation = DELEGATION.search(segment)
    if delegation:
        before = segment[:delegation.start()]
        filler = FILLER_BEFORE_DELEGATION.search(before)
        visitor = _place_ending_at(reader, segment, filler.start() if filler else len(before), home)
    for move in MOVE.finditer(segment):
        start = delegation.end() if delegation and not visitor else 0
        if move.start() < start:
            continue
        if move.group(0) == "在" and not delegation and not re.search(r"(?:率队|带队|一行|率团)$", segment[:move.start()]):
            continue
        clause_start = max((m.end() for m in CLAUSE_END.finditer(segment, 0, move.start())), default=0)
        found = _place_list(reader, segment, move.end(), home, known_visitor | {p.jurisdiction.code for p in visitor})
        own_target = OWN.match(segment[move.end():])
        if not found and not own_target:
            continue
        if not visitor:
            visitor = _first_place(reader, segment, clause_start, move.start(), home)
        visitor_keys = {(p.jurisdiction.code or p.written) for p in visitor}
        host = [p for p in found if (p.jurisdiction.code or p.written) not in visitor_keys]
        if host or own_target:
            break
    return visitor, host


def _first_place(reader: _Reader, segment: str, start: int, end: int, home: dict[str, str]) -> list[Party]:
    """The first place of ``segment[start:end]`` (the subject before a movement), or the report's own place."""
    own = OWN_LEADERS.search(segment[start:end]) or re.search(r"我(自治区|省|市|州|县|区|旗|盟)", segment[start:end])
    i = start
    found: list[PlaceMention] = []
    while i < end:
        if segment[i] in "与在和同":  # `与…座谈`, `在…陪同下`: not the subject
            break
        mention = place_at(segment, i, stems=set(reader.counts))
        if mention is not None and mention.end <= end and mention.written not in GENERIC_NAMES:
            found.append(mention)
            i = mention.end
            continue
        zone = ZONE.match(segment[i:end])
        if zone and not found:
            return [Party(zone.group(0), normalize_jurisdiction(zone.group(0)))]
        i += 1
    if found:
        # `陕西省政协副主席、榆林市委书记张晓光率…`: the most specific place inside the first one
        gaz = gazetteer()
        inner = [m for m in found[1:] if gaz.contains(found[0].division, m.division)]
        best = max(inner, key=lambda m: len(gaz.chain(m.division))) if inner else found[0]
        return [reader.party(best.division, best.written)]
    if own:
        party = _home_party(reader, home, own.group(1))
        return [party] if party else []
    return []


def _place_ending_at(reader: _Reader, segment: str, end: int, home: dict[str, str]) -> list[Party]:
    """The place that ends at ``end`` of ``segment`` (`北京市`, `我市`), or nothing."""
    own = re.search(r"我(自治区|省|市|州|县|区|旗|盟)$", segment[:end])
    if own:
        party = _home_party(reader, home, own.group(1))
        return [party] if party else []
    for start in range(max(0, end - 20), end - 1):
        m = place_at(segment, start, stems=set(reader.counts))
        if m and m.end == end:
            return [reader.party(m.division, m.written)]
    zone = re.search(r"[\u4e00-\u9fff]{2,6}?(?:经开区|经济技术开发区|高新区|开发区|新区|保税区)$", segment[:end])
    if zone:
        return [Party(zone.group(0), normalize_jurisdiction(zone.group(0)))]
    return []


def _related(a: Party, b: Party) -> bool:
    if a.division is not None and b.division is not None:
        return gazetteer().related(a.division, b.division)
    return a.written in b.written or b.written in a.written


def _more_specific(lead: list[Party], head: list[Party]) -> bool:
    """The lead's list names the headline's places, or places inside them, and not fewer."""
    if len(lead) < len(head):
        return False
    return all(any(_related(item, h) for h in head) for item in lead)


def _guess_arrival_home(text: str, home: dict[str, str], reader: _Reader, title: str | None) -> None:
    """`来我县` with no other cue to the report's own place: the place of that level the text names most,
    other than the delegation's place (read from the headline or lead)."""
    missing = [w for w in dict.fromkeys(OWN_ARRIVAL.findall(text)) if w not in home]
    if not missing:
        return
    visitors = []
    for _, segment in _segments(text, title):
        delegation = DELEGATION.search(segment)
        if delegation:
            before = segment[:delegation.start()]
            filler = FILLER_BEFORE_DELEGATION.search(before)
            found = _place_ending_at(reader, segment, filler.start() if filler else len(before), {})
            visitors += [p.division for p in found if p.division]
        move = re.search(r"(?:来|到|莅临|走进)我(?:自治区|省|市|州|县|区|旗|盟)", segment)
        if move:
            clause_start = max((m.end() for m in CLAUSE_END.finditer(segment, 0, move.start())), default=0)
            visitors += [p.division for p in _first_place(reader, segment, clause_start, move.start(), {}) if p.division]
        if visitors:
            break
    for word in missing:
        division = most_named(text, word, visitors)
        if division is not None:
            home[word] = division.name


def find_parties(text: str, leaders_jurisdictions: list[Jurisdiction] = (), post_jurisdictions: list[Jurisdiction] = (),
                 title: str | None = None) -> Parties:
    """Visitor and host of a report (see the module docstring)."""
    reader = _Reader(text)
    home = home_places(text)
    out = Parties(home=home)
    _guess_arrival_home(text, home, reader, title)
    head_host: list[Party] = []
    lead_host: list[Party] = []
    for kind, segment in _segments(text, title):
        visitor, host = read_clause(reader, segment, home, {p.jurisdiction.code for p in out.visitor})
        if visitor and not out.visitor:
            out.visitor, out.how["visitor"] = visitor, kind
        if host:
            if kind == "head" and not head_host:
                head_host = host
            elif kind == "lead" and not lead_host:
                lead_host = host
        if out.visitor and head_host and lead_host:
            break
    visitor_keys = {(p.jurisdiction.code or p.written) for p in out.visitor}
    head_host = [p for p in head_host if (p.jurisdiction.code or p.written) not in visitor_keys]
    lead_host = [p for p in lead_host if (p.jurisdiction.code or p.written) not in visitor_keys]
    if lead_host and (not head_host or _more_specific(lead_host, head_host)):
        out.host, out.how["host"] = lead_host, "lead"
    elif head_host:
        out.host, out.how["host"] = head_host, "head"
    gaz = gazetteer()
    if not out.visitor and leaders_jurisdictions:
        known = [j for j in leaders_jurisdictions if j is not None]
        if known:
            j = known[0]
            out.visitor, out.how["visitor"] = [reader.party(gaz.by_code[j.code], j.written) if j.code
                                               else Party(j.written, j)], "leaders"
    visitor_keys = {(p.jurisdiction.code or p.written) for p in out.visitor}
    out.host = [p for p in out.host if (p.jurisdiction.code or p.written) not in visitor_keys]
    if not out.host:
        visitor_codes = {p.jurisdiction.code for p in out.visitor}
        for word in ("市", "县", "区", "州", "省", "自治区", "旗", "盟"):
            if word in home:
                j = normalize_jurisdiction(home[word])
                if j.code and j.code not in visitor_codes:
                    out.host, out.how["host"] = [reader.party(gaz.by_code[j.code])], "home"
                    break
    if not out.host and post_jurisdictions:
        visitor_divisions = [p.division for p in out.visitor if p.division]
        counts = Counter(j.code for j in post_jurisdictions if j is not None and j.code
                         and not any(gaz.related(v, gaz.by_code[j.code]) for v in visitor_divisions))
        if counts:
            code = counts.most_common(1)[0][0]
            out.host, out.how["host"] = [reader.party(gaz.by_code[code])], "posts"
    return out
