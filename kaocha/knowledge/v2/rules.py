"""Generic rules for Chinese official titles, names, places and area keywords.

This is the knowledge a careful regex writer has, built only from the data
files in `data/` beside this module (title words, organs, surnames, place suffixes, cue
words, area keywords): no name or venue of any annotated report. It serves
twice: as the regex baseline (`evaluate/baseline.py`, always version 1) and as
input features of the model (`kaocha.components.rule_features`, the version its
config names), so the model can learn when the rules are right.

* POST: a title word, with the contiguous prefix of places, organs and
  institutions, starting at a boundary (punctuation, a cue word such as `率`,
  or the start of a line); coordinated titles (`、`) are separate posts.
* OFFICIAL: a 2-3 character name starting with a surname right after a post,
  and the names of leader lists (`市领导张三、李四参加`); every other mention of
  a name so found in the same report is marked too.
* VENUE: after a visiting verb (`来到`, `走进`, `在` …), the longest name that
  ends in a place suffix; named zones (`…自贸区`, `…科学城`) anywhere; and
  every other mention of a venue so found in the same report.
* Categories: a sentence's keywords per area, after removing slogans; formulaic
  thanks make a sentence about no field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kaocha.labels import CATEGORY_LABELS
from .lexicon import area_keywords, cue_words, organs, place_suffixes, surnames, title_words
from kaocha.sentences import sentence_spans

H = "\u4e00-\u9fff\u3400-\u4dbf"
PUNCT = set(",,。、;;::!!??“”‘’\"'()()《》「」『』【】·—…-/ \n\t")
ADMIN = "省市县区州盟旗"
# Place-name units that may stand in a post's prefix: a name with an
# administrative suffix, a bare 2-3 character name before an organ that starts
# with an administrative character (北京 + 市委), or an institution.
PLACE = f"[{H}]{{1,7}}?(?:自治区|自治州|自治县|新区|省|市|县|区|州|盟|旗|镇|乡|街道)"
BARE_PLACE = f"[{H}]{{2,3}}(?=[{ADMIN}])"
INSTITUTION = f"[{H}]{{2,8}}?(?:大学|学院|医院|集团|公司|银行|研究院|科学院|工程院)"
ZONE_SUFFIXES = ("自由贸易试验区", "自贸试验区", "自贸区", "科学城", "科技城", "高新区", "经济技术开发区",
                 "经济开发区", "开发区", "产业园", "科技园", "软件园", "保税区", "新片区", "高科技园区",
                 "科技园区", "工业园区", "产业园区")
NOT_AFTER_TITLE = "期远久足江"  # 北京市长期以来, 贵州长期: not titles


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def post_regex() -> re.Pattern:
    organ = f"(?:{_alternation(organs())})"
    title = f"(?:{_alternation(title_words())})(?![{NOT_AFTER_TITLE}])"
    prefix_unit = f"(?:{PLACE}|{BARE_PLACE}|{INSTITUTION}|[{ADMIN}]?{organ})"
    corporate = f"[{H}]{{2,8}}?(?:董事长|副董事长|总经理|副总经理)"
    return re.compile(f"(?:中共)?{prefix_unit}{{0,5}}?{title}|{corporate}")


@lru_cache(maxsize=1)
def bare_title_regex() -> re.Pattern:
    return re.compile(f"(?:{_alternation(title_words())})(?![{NOT_AFTER_TITLE}])")


@dataclass(frozen=True, order=True)
class RuleSpan:
    start: int
    end: int
    label: str


def _cue_positions(text: str, cues) -> tuple[set[int], set[int]]:
    """Start and end offsets of every occurrence of every cue (overlaps included)."""
    starts: set[int] = set()
    ends: set[int] = set()
    for cue in cues:
        i = text.find(cue)
        while i >= 0:
            starts.add(i)
            ends.add(i + len(cue))
            i = text.find(cue, i + 1)
    return starts, ends


def _boundaries(text: str, cue_ends: set[int]) -> set[int]:
    """Offsets where a post may start: text start, after punctuation, after a cue word."""
    return {0} | {i + 1 for i, ch in enumerate(text) if ch in PUNCT} | cue_ends


def find_posts(text: str) -> list[RuleSpan]:
    """Posts starting at boundaries (longest parse), then bare title words elsewhere."""
    regex = post_regex()
    spans: list[RuleSpan] = []
    taken = [False] * (len(text) + 1)
    i = 0
    cue_starts, cue_ends = _cue_positions(text, cue_words()["post_left"])
    boundaries = _boundaries(text, cue_ends)
    while i < len(text):
        if i in boundaries and i not in cue_starts:
            match = regex.match(text, i)
            if match and not any(taken[match.start():match.end()]):
                spans.append(RuleSpan(match.start(), match.end(), "POST"))
                taken[match.start():match.end()] = [True] * (match.end() - match.start())
                i = match.end()
                continue
        i += 1
    for match in bare_title_regex().finditer(text):
        if not any(taken[match.start():match.end()]) and _bare_title_ok(text, match.start(), match.end(), boundaries):
            spans.append(RuleSpan(match.start(), match.end(), "POST"))
            taken[match.start():match.end()] = [True] * (match.end() - match.start())
    return sorted(spans)


def _bare_title_ok(text: str, start: int, end: int, boundaries: set[int]) -> bool:
    """A bare title (no organ prefix) counts after a boundary or a name, and before a name or punctuation."""
    word = text[start:end]
    if len(word) < 2:
        return False
    before_ok = start in boundaries or text[start - 1] in "副总"
    after = text[end:end + 1]
    return before_ok or after in PUNCT or after == "" or word in ("总书记", "省长", "市长", "书记", "县长", "区长")


@lru_cache(maxsize=1)
def _surnames_longest_first() -> tuple[str, ...]:
    return tuple(sorted((s for s in surnames() if len(s) <= 2), key=len, reverse=True))


@lru_cache(maxsize=1)
def _surname_set() -> frozenset[str]:
    return frozenset(surnames())


def _name_at(text: str, i: int) -> int:
    """Length of a personal name starting at ``i`` (0 if none): surname + 1-2 characters."""
    cues = cue_words()
    surname = next((s for s in _surnames_longest_first() if text.startswith(s, i)), None)
    if surname is None:
        return 0
    base = i + len(surname)
    if not re.match(f"[{H}]", text[base:base + 1]):
        return 0
    for length in (1, 2):  # given name of one or two characters
        end = base + length
        if end > len(text) or not re.fullmatch(f"[{H}]+", text[base:end]):
            return 0
        follow = text[end:end + 2]
        if end == len(text) or text[end] in cues["name_after1"] or follow in cues["name_after"] or text[end] in PUNCT:
            if length == 1 and end < len(text) and text[end] in "一出主" and follow not in cues["name_after"]:
                continue  # `王一鸣`, `李出…`: the single-character cue is the name's own
            return end - i
    end = base + 2
    return end - i if re.fullmatch(f"[{H}]+", text[base:end]) and end <= len(text) else 0


def find_officials(text: str, posts: list[RuleSpan]) -> list[RuleSpan]:
    """Names right after posts and in leader lists, then their other mentions in the text."""
    names: set[str] = set()
    post_ends = {p.end for p in posts}
    post_starts = {p.start for p in posts}
    for end in sorted(post_ends):
        if end in post_starts:
            continue  # another post follows (chain)
        length = _name_at(text, end)
        if length:
            names.add(text[end:end + length])
    for post in posts:  # a name before a bare title: 李某总书记, 李某省长
        if text[post.start:post.end] in BARE_AFTER_NAME:
            names.update(_name_before(text, post.start))
    for anchor in cue_words()["name_anchor"]:
        for match in re.finditer(anchor, text):
            names.update(_name_before(text, match.start()))
    names |= _list_names(text)
    names = {n for n in names if 2 <= len(n) <= 4 and not n.startswith(cue_words()["not_name"])}
    return _all_mentions(text, names, "OFFICIAL")


BARE_AFTER_NAME = {"总书记", "书记", "省长", "市长", "县长", "区长", "主席", "总理", "副总理", "委员长", "部长", "主任"}


def _name_before(text: str, end: int) -> set[str]:
    """A 2-3 character name that ends at ``end``: the longer if it starts with a surname."""
    names = _surname_set()
    for length in (3, 2):
        start = end - length
        candidate = text[max(0, start):end]
        if start >= 0 and re.fullmatch(f"[{H}]{{{length}}}", candidate) and (candidate[0] in names or candidate[:2] in names):
            if length == 3 and text[start:start + 2] in cue_words()["name_after"]:
                continue
            return {candidate}
    return set()


def _list_names(text: str) -> set[str]:
    cues = cue_words()
    found: set[str] = set()
    starts = "|".join(re.escape(c) for c in cues["list_start"])
    for match in re.finditer(f"(?:{starts})[::]?", text):
        segment = re.split("[,。;;!?\n]", text[match.end():match.end() + 120], maxsplit=1)[0]
        for end_cue in cues["list_end"]:
            cut = segment.find(end_cue)
            if cut > 0:
                segment = segment[:cut]
        items = re.split("[、和及与]", segment)
        if len(items) < 2 and not any(text.startswith(c, match.end() + len(segment)) for c in cues["list_end"]):
            continue
        for item in items:
            item = item.strip()
            if 2 <= len(item) <= 4 and re.fullmatch(f"[{H}]+", item) and (item[0] in _surname_set() or item[:2] in _surname_set()):
                found.add(item)
    return found


def _all_mentions(text: str, strings: set[str], label: str) -> list[RuleSpan]:
    spans: list[RuleSpan] = []
    taken = [False] * (len(text) + 1)
    for string in sorted(strings, key=len, reverse=True):
        for match in re.finditer(re.escape(string), text):
            if not any(taken[match.start():match.end()]):
                spans.append(RuleSpan(match.start(), match.end(), label))
                taken[match.start():match.end()] = [True] * len(string)
    return sorted(spans)


@lru_cache(maxsize=1)
def _venue_regexes() -> tuple[re.Pattern, re.Pattern]:
    zone = re.compile(f"[{H}()]{{2,12}}?(?:{_alternation(ZONE_SUFFIXES)})")
    cut = re.compile(_alternation(cue_words()["venue_cut"]))
    return zone, cut


JURISDICTION_END = re.compile(f"[{ADMIN}]$")
JURISDICTION_PREFIX = re.compile(f"^[{H}]{{2,4}}?(?:自治州|自治县|省|市|县|区|州)")
GENERIC_VENUES = {"科学城", "自贸区", "基地", "展示中心", "中心", "企业展厅", "展厅", "园区", "新区", "片区", "城市副中心",
                  "开发区", "示范区", "产业园", "公司", "集团", "大学", "学校", "医院", "社区", "村", "镇", "乡", "美术馆",
                  "大厅", "工厂", "科技园", "经济开发区", "高新区", "新城", "景区", "广场", "公园"}


def _longest_suffixed_prefix(segment: str) -> str:
    """The longest start of ``segment`` that ends in a place suffix."""
    suffixes = place_suffixes()
    for end in range(len(segment), 1, -1):
        if segment.endswith(suffixes, 0, end):  # a tuple: any of them
            return segment[:end]
    return ""


def _strip_jurisdictions(candidate: str) -> str:
    """Drop county-level prefixes that only say where a site is (spec §2):
    a chain of two or more jurisdictions, or a single county or district;
    a city or province prefix stays (`某某市规划展览馆`, registered names)."""
    parts, rest = [], candidate
    while True:
        match = JURISDICTION_PREFIX.match(rest)
        if not match or len(rest) - match.end() < 3:
            break
        parts.append(match.group())
        rest = rest[match.end():]
    rural_or_industrial = rest.endswith(("村", "园", "基地", "厂", "观光园"))
    if len(parts) >= 2 or (len(parts) == 1 and parts[0][-1] in "县区" and not parts[0].endswith("新区") and rural_or_industrial):
        return rest
    return candidate


def _clean_venue(candidate: str) -> str:
    """Start a candidate after the last cut word, drop a trailing `项目` and locator prefixes."""
    _, cut = _venue_regexes()
    last = None
    for match in cut.finditer(candidate):
        if match.end() < len(candidate) - 1:
            last = match
    if last:
        candidate = candidate[last.end():]
    candidate = candidate.strip("“”\"")
    if candidate.endswith("项目"):
        candidate = candidate[:-2]
    return _strip_jurisdictions(candidate)


def _after_strong_visit(text: str, i: int) -> bool:
    clause_start = max(text.rfind("。", 0, i), text.rfind("\n", 0, i), i - 80)
    return any(text.find(v, clause_start, i) >= 0 for v in cue_words()["visit_strong"])


def find_venues(text: str) -> list[RuleSpan]:
    zone_re, _ = _venue_regexes()
    cues = cue_words()
    found: set[str] = set()
    visit = "|".join(re.escape(c) for c in cues["visit"])
    weak = {"、", "和", "及", "在", "到", "至"}
    for match in re.finditer(f"(?:{visit})", text):
        rest = text[match.end():match.end() + 40]
        segment = re.split("[,。;;!?:\n、]|——", rest, maxsplit=1)[0]
        if match.group() in weak and not _after_strong_visit(text, match.start()):
            after = rest[len(segment):len(segment) + 8]
            if not (after.startswith(",") and any(c in after for c in cues["clause_end"][:12])):
                continue
        for cue in cues["clause_end"]:
            cut = segment.find(cue, 2)
            if cut > 0:
                segment = segment[:cut]
        candidate = _clean_venue(_longest_suffixed_prefix(segment))
        if len(candidate) >= 3 and candidate not in GENERIC_VENUES and not JURISDICTION_END.search(candidate):
            found.add(candidate)
    for m in zone_re.finditer(text):
        group = m.group()
        follow = zone_re.match(text, m.end())
        if follow and not re.search("[^" + H + "]", follow.group()):
            group += follow.group()  # a zone inside a zone: 某某自贸区 + 某某新片区
        candidate = _clean_venue(group)
        if len(candidate) >= 4 and candidate not in GENERIC_VENUES and not any(candidate.endswith(g) and len(candidate) - len(g) < 2 for g in GENERIC_VENUES):
            found.add(candidate)
    slogans = set(cues["slogan"])
    found = {f for f in found if f not in slogans and not f.startswith("“") and "”" not in f[-1:]}
    events = tuple(cues["event"])
    return [s for s in _all_mentions(text, found, "VENUE") if not text.startswith(events, s.end)]


def resolve_overlaps(spans: list[RuleSpan]) -> list[RuleSpan]:
    """Keep a non-overlapping set: longer spans first, then earlier ones."""
    kept: list[RuleSpan] = []
    taken: set[int] = set()
    for span in sorted(spans, key=lambda s: (-(s.end - s.start), s.start)):
        if not taken.intersection(range(span.start, span.end)):
            kept.append(span)
            taken.update(range(span.start, span.end))
    return sorted(kept)


def find_entities(text: str) -> list[RuleSpan]:
    """All rule entities of a normalized text, non-overlapping; posts and names win over venues."""
    posts = find_posts(text)
    officials = find_officials(text, posts)
    people = resolve_overlaps(posts + officials)
    taken = {i for s in people for i in range(s.start, s.end)}
    venues = [v for v in find_venues(text) if not taken.intersection(range(v.start, v.end))]
    return sorted(people + resolve_overlaps(venues))


@lru_cache(maxsize=1)
def _slogan_regex() -> re.Pattern:
    return re.compile(_alternation(cue_words()["slogan"]))


def sentence_categories(sentence: str) -> list[str]:
    """Rule categories of one sentence: keywords per area, slogans removed first."""
    if any(t in sentence for t in cue_words()["thanks"]) and len(sentence) < 90:
        return []
    cleaned = _slogan_regex().sub("", sentence)
    return [label for label in CATEGORY_LABELS if any(k in cleaned for k in area_keywords().get(label, ()))]


def categorize(text: str) -> list[tuple[int, int, list[str]]]:
    """Every sentence of a normalized text (spec §1 splitter) with its rule categories."""
    return [(start, end, sentence_categories(text[start:end])) for start, end in sentence_spans(text)]
