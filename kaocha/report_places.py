"""Places a report's text names, and the report's own place (what its `我省`/`我市` means).

:func:`place_at` reads the longest gazetteer name at a position (full names,
province short forms, and short forms that keep a level suffix such as
`湘西州`; a bare stem like `宁波` only where ``stems=True``), optionally
followed by more places inside it (`江苏省苏州市`). :func:`home_places` says
which place the report calls its own, per level word, from three cues, first
found wins: a place right after `我省`/`我市` (`到我省海西州` → 青海省), the
outlet's name near the top (`中国宁波网讯` → 宁波市, 浙江省), and the place a
headline or first line says the delegation came to when the text says
`来我市` (`…来禹城市参观考察` → 禹城市).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kaocha.jurisdictions import Division, gazetteer

OWN = re.compile(r"我(自治区|省|市|州|县|区|旗|盟)")
OUTLET = re.compile(r"(?:中国|今日)?([\u4e00-\u9fff]{2,8}?)(?:新闻网|网讯|网|日报|晚报|融媒体中心|融媒|广播电视台|电视台|发布|在线)")
CAME_TO = re.compile(r"(?:来|到|莅临|赴)([\u4e00-\u9fff]{2,12})")
OWN_ARRIVAL = re.compile(r"(?:来|到|莅临|走进|在)我(自治区|省|市|州|县|区|旗|盟)")
LEVEL_WORDS = ("自治区", "省", "市", "州", "县", "区", "旗", "盟")


@dataclass(frozen=True)
class PlaceMention:
    start: int
    end: int
    written: str
    division: Division


def place_at(text: str, i: int, stems: bool | set[str] | str = False) -> PlaceMention | None:
    """The longest run of gazetteer places starting at ``i`` (each inside the one before), or None.

    Bare stems (`宁波` for 宁波市) count when ``stems`` is True for prefectures and
    provinces only, and, when ``stems`` is a set of codes, also for those divisions
    (the ones the text names in full elsewhere: `鹤峰` after `鹤峰县`); a county's
    stem alone is too often a word (`合作`, `资源`, `安居`), so it counts only
    inside a place just read (`北京密云`, `广西百色那坡县`) or when ``stems`` is
    ``"all"`` (right after `赴`/`来`, where a place must follow).
    """
    gaz = gazetteer()
    if text[i:i + 2] not in gaz.openings:  # no name starts here (most positions)
        return None

    def allowed(rank: int, part: str, division: Division) -> bool:
        if rank < 2 or part.endswith(("州", "县", "市", "区", "旗", "盟")) or found or stems == "all":
            return True
        if not stems:
            return False
        return division.level != "county" or (isinstance(stems, set) and division.code in stems)

    found: list[Division] = []
    j = i
    while j < len(text):
        step = None
        for length in [n for n in gaz.lengths.get(text[j], ()) if n <= len(text) - j]:
            part = text[j:j + length]
            candidates = gaz.lookup(part)
            candidates = [(r, d) for r, d in candidates if allowed(r, part, d)]
            if found:
                candidates = [(r, d) for r, d in candidates if gaz.contains(found[-1], d) and d.code != found[-1].code]
            if candidates:
                top = min(r for r, _ in candidates)
                best = list(dict.fromkeys(d for r, d in candidates if r == top))
                if len(best) == 1 or found:
                    step = (length, best[0])
                    break
                if len(best) > 1 and not found:
                    step = (length, None)
                    break
        if step is None or step[1] is None:
            break
        found.append(step[1])
        j += step[0]
    if not found:
        return None
    return PlaceMention(i, j, text[i:j], found[-1])


def of_level(division: Division, level_word: str) -> Division | None:
    """The division of ``division``'s chain (bottom up) a level word names: `市` for 禹城市 is 禹城市, `省` is 山东省."""
    for d in gazetteer().chain(division):
        if level_word == "省" and d.level == "province" and d.name.endswith("省"):
            return d
        if level_word == "自治区" and d.level == "province" and d.name.endswith("自治区"):
            return d
        if level_word == "区" and d.name.endswith("区") and not d.name.endswith("自治区"):
            return d
        if level_word not in ("省", "自治区", "区") and d.name.endswith(level_word):
            return d
    return None


@lru_cache(maxsize=8)
def _find_places(text: str) -> tuple[PlaceMention, ...]:
    return tuple(_scan_places(text))


def find_places(text: str) -> list[PlaceMention]:
    """Every place the text names, in order, longest first at each position (see :func:`place_at`)."""
    return list(_find_places(text))


def _scan_places(text: str) -> list[PlaceMention]:
    openings = gazetteer().openings
    starts = [i for i in range(len(text)) if text[i:i + 2] in openings]  # where a name may start

    def scan(stems) -> list[PlaceMention]:
        out, end = [], 0
        for i in starts:
            if i >= end and (mention := place_at(text, i, stems=stems)):
                out.append(mention)
                end = mention.end
        return out

    named = {m.division.code for m in scan(False)}
    return scan(named)


def headline_places(text: str, lines: int = 3) -> list[PlaceMention]:
    """Places the first lines of the text name (headline and lead), in order."""
    head_end = len("\n".join(text.split("\n")[:lines]))
    return [m for m in find_places(text) if m.start < head_end]


def home_places(text: str) -> dict[str, str]:
    """Level word → the full name of the report's own place of that level (see the module docstring).

    The outlet's name counts for every level even when the text never says
    `我市`: a bare `市委书记` in the 宁波日报 is Ningbo's.
    """
    used = set(OWN.findall(text))
    home: dict[str, str] = {}

    def take(division: Division, words) -> None:
        for word in words:
            if word not in home:
                own = of_level(division, word)
                if own is not None:
                    home[word] = own.name

    for match in OWN.finditer(text):
        mention = place_at(text, match.end(), stems=True)
        if mention:
            take(mention.division, used)
    for match in OUTLET.finditer(text[:300]):
        name = match.group(1)
        for k in range(len(name)):
            mention = place_at(name, k, stems=True)
            if mention:
                take(mention.division, used or LEVEL_WORDS)
                break
        if home:
            break
    arrivals = set(OWN_ARRIVAL.findall(text))
    if arrivals:
        head = "\n".join(text.split("\n")[:3])
        for match in CAME_TO.finditer(head):
            mention = place_at(match.group(1), 0, stems=True)
            if mention:
                take(mention.division, used)
    return home


def _level_matches(division: Division, level_word: str) -> bool:
    name = division.name
    if level_word == "省":
        return division.level == "province" and name.endswith("省")
    if level_word == "自治区":
        return division.level == "province" and name.endswith("自治区")
    if level_word == "区":
        return name.endswith("区") and not name.endswith("自治区")
    if level_word == "州":
        return name.endswith("州") and division.level == "prefecture"
    return name.endswith(level_word)


@lru_cache(maxsize=None)
def _level_forms(level_word: str) -> tuple[tuple[Division, tuple[str, ...], tuple[str, ...]], ...]:
    """Divisions of a level word (`most_named`'s candidates, in gazetteer order) with their full forms (the
    name, or a short form keeping its level suffix) and their bare stems."""
    gaz = gazetteer()
    forms: dict[str, list[str]] = {}
    for name, divisions in list(gaz.full.items()) + list(gaz.short.items()):
        for d in divisions:
            forms.setdefault(d.code, []).append(name)
    out = []
    for code, names in forms.items():
        division = gaz.by_code[code]
        if division.name in ("城区", "郊区", "矿区") or not _level_matches(division, level_word):
            continue
        full = tuple(n for n in names if n == division.name or n.endswith(division.name[-1]))
        stems = tuple(n for n in names if not (n == division.name or n.endswith(division.name[-1])))
        out.append((division, full, stems))
    return tuple(out)


def most_named(text: str, level_word: str, exclude: list[Division] = ()) -> Division | None:
    """The division of a level (`县`, `市` …) the text names most often, by full name or short form, other than
    ``exclude`` and the divisions containing them; None when none is named (a bare stem must occur twice)."""
    gaz = gazetteer()
    excluded = {d.code for e in exclude for d in gaz.chain(e)}
    best, best_count = None, 0
    for division, full_forms, stem_forms in _level_forms(level_word):
        if division.code in excluded:
            continue
        full = sum(text.count(n) for n in full_forms)
        stems = sum(text.count(n) for n in stem_forms)
        count = full + (stems if stems >= 2 or full else 0)
        if count > best_count:
            best, best_count = division, count
    return best
