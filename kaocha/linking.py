"""Officials with their posts: which POST spans belong to which OFFICIAL, and where each post is.

A post belongs to the name it stands directly before (`市长殷勇`), and so does
every post chained to it by 、 or , (`市委副书记、市长殷勇`: both posts).

A post names a jurisdiction when it starts with a place name followed by an
organ or a title (`北京市|委书记`, `天津市|副市长`, `宁国市|市委书记`); the
title words themselves are never cut into a place (`副市长`, `常务副省长`,
`县政府副县长` name none). A post that starts with a bare level word
(`市委副书记`, `省长`, `自治区党委书记`) refers to a place the report gives
elsewhere; it is resolved, in this order, from

1. the post before it in the same chain (`上海市委副书记、市长`);
2. the nearest earlier post of the same sentence that names a place of that
   level (`北京市委书记尹力,市委副书记、市长殷勇`), unless the report's own
   `我省`/`我市` stands between them;
3. the report's own place for that level (`我省`, `来我市`, the outlet's
   name): see :func:`kaocha.report_places.home_places`;
4. the one place of that level the report names but no post writes out: a
   report writes the other side's posts in full and its own side's bare
   (checked by hand: "the only place of that level any post names", the rule
   before, was right for 1 of 12 sampled posts);

and stays unresolved (``jurisdiction`` None, ``bare`` set) otherwise. Every
jurisdiction is also normalized to a gazetteer division
(:mod:`kaocha.jurisdictions`), with the report's other jurisdictions as the
context that decides between divisions of the same name.

The same function pairs gold spans and predicted spans, so linking can be
scored against the annotations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kaocha.jurisdictions import Jurisdiction, normalize_jurisdiction

CHAIN_SEPARATORS = frozenset("、,")
PLACE_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "省", "市", "州", "盟", "县", "区", "旗")
SUFFIX_CHARS = frozenset("省市州盟县区旗")
# Bare level words (and generic zone names) that stand for a place the report names elsewhere; longest first.
BARE_LEVELS = ("经济技术开发区", "高新技术产业开发区", "自治区", "自治州", "开发区", "经开区", "高新区", "新区",
               "省", "市", "州", "盟", "县", "区", "旗")
# What follows a place at the start of a post: an organ or a title.
ORGAN_START = re.compile(
    r"^(?:委|党委|党工委|工委|人大|人民政府|政府|政协|纪委|监委|管委会|长|副|常务|代|主席|书记|党组|秘书长|助理"
    r"|[^省市州盟县区旗,、]{1,8}?(?:厅|局|办|部|委员会|办公室))")
# Title words that cannot be part of a place's name (`副市`, `县政府副县`), unless the gazetteer has it (`代县`).
TITLE_TOKENS = ("副", "代", "常务", "政府", "委", "党", "人大", "政协", "主席", "书记")
SENTENCE_END = re.compile(r"[。!?;\n]")
# A head-of-government title names its level (`副市长`, `常务副省长`, `代县长`): a bare post without the bare word.
TITLE_LEVEL = re.compile(r"^(?:常务)?副?(?:代理|代)?(省|市|县|区|州|旗|盟)长$")


@dataclass
class LinkedPost:
    text: str
    start: int
    end: int
    jurisdiction: str | None
    bare: str | None = None            # the bare level word of `市委书记`-like posts
    resolved_by: str | None = None     # post, chain, sentence, home, report
    normalized: Jurisdiction | None = None


@dataclass
class LinkedOfficial:
    name: str
    start: int
    end: int
    posts: list[LinkedPost] = field(default_factory=list)


def _organ_follows(place: str, rest: str) -> bool:
    if rest[:1] == place[-1] and ORGAN_START.match(rest[1:]):  # 宁国市|市委书记, 忠县|县委书记
        return True
    if rest[:1] in SUFFIX_CHARS:  # 贵州|省委书记: the place goes on
        return False
    return bool(ORGAN_START.match(rest))


def post_place(post: str) -> tuple[str | None, str | None]:
    """``(place, bare)``: the place a post names at its start, or the bare level word it starts with.

    ``北京市委书记`` → (北京市, None); ``天津市副市长`` → (天津市, None); ``市长`` →
    (None, 市); ``副市长`` → (None, 市) (the title names the level, not a place);
    ``中共中央政治局委员`` → (None, None).
    """
    body = post[2:] if post.startswith("中共") else post
    unknown_place = None
    for end in range(2, min(len(body), 30)):
        place, rest = body[:end], body[end:]
        if not place.endswith(PLACE_SUFFIXES) or not _organ_follows(place, rest):
            continue
        if normalize_jurisdiction(place).known:
            return place, None
        stem = place[:-1]
        if unknown_place is None and place not in BARE_LEVELS and not any(t in stem for t in TITLE_TOKENS):
            unknown_place = place
    if unknown_place is None:
        for word in BARE_LEVELS:
            if body.startswith(word) and _organ_follows(word, body[len(word):]):
                return None, word
        title = TITLE_LEVEL.match(body)
        if title:
            return None, title.group(1)
    return unknown_place, None


def jurisdiction(post: str) -> str | None:
    """The place a post names at its start (`北京市委书记` → `北京市`), or None (also for `市长`)."""
    return post_place(post)[0]


def matches_level(place: str, bare: str) -> bool:
    """Whether a written place is of the kind a bare level word stands for (`宁国市` for `市`)."""
    if bare == "区":
        return place.endswith("区") and not place.endswith("自治区")
    if bare == "州":
        return place.endswith("州") and not place.endswith(("省", "市"))
    return place.endswith(bare)


def _chains(text: str, ordered: list[tuple[int, int, str]]) -> list[tuple[int, int, list[tuple[int, int]]]]:
    out = []
    for i, (start, end, label) in enumerate(ordered):
        if label != "OFFICIAL":
            continue
        chain: list[tuple[int, int]] = []
        boundary = start
        j = i - 1
        while j >= 0 and ordered[j][2] == "POST":
            p_start, p_end, _ = ordered[j]
            gap = text[p_end:boundary]
            if chain and not (len(gap) == 1 and gap in CHAIN_SEPARATORS):
                break
            if not chain and gap:  # the post must touch the name
                break
            chain.insert(0, (p_start, p_end))
            boundary = p_start
            j -= 1
        out.append((start, end, chain))
    return out


def link_officials(text: str, spans: list[tuple[int, int, str]], home: dict[str, str] | None = None) -> list[LinkedOfficial]:
    """Every OFFICIAL span, in order, with the chain of POST spans right before it.

    ``home`` maps a bare level word to the report's own place of that level
    (`{"市": "禹城市"}`); by default it is read from the text
    (:func:`kaocha.report_places.home_places`).
    """
    from kaocha.report_places import home_places

    ordered = sorted(spans)
    chains = _chains(text, ordered)
    places = {(s, e): post_place(text[s:e]) for _, _, chain in chains for s, e in chain}
    named = [(s, place) for (s, _), (place, _) in sorted(places.items()) if place]
    home = home_places(text) if home is None else home
    out = []
    for start, end, chain in chains:
        posts: list[LinkedPost] = []
        previous = None
        for p_start, p_end in chain:
            place, bare = places[(p_start, p_end)]
            how = "post" if place else None
            if place is None and bare is not None:
                if previous is not None and matches_level(previous, bare):
                    place, how = previous, "chain"
                else:
                    place, how = _resolve_bare(text, p_start, bare, named, home)
            elif place is None and previous is not None:
                place, how = previous, "chain"  # 市委副书记、代市长: a post without a place takes the chain's
            posts.append(LinkedPost(text[p_start:p_end], p_start, p_end, place, bare, how))
            previous = place or previous
        out.append(LinkedOfficial(text[start:end], start, end, posts))
    _normalize_all(out)
    return out


def _resolve_bare(text: str, position: int, bare: str, named: list[tuple[int, str]], home: dict[str, str]):
    sentence_start = max((m.end() for m in SENTENCE_END.finditer(text, 0, position)), default=0)
    own = "我" + bare
    for start, place in reversed(named):
        if sentence_start <= start < position and matches_level(place, bare):
            if own in text[start:position]:
                break
            return place, "sentence"
    if bare in home:
        return home[bare], "home"
    place = _unwritten_place(text, bare, [p for _, p in named])
    if place is not None:
        return place, "report"
    return None, None


LEAD_CHARS = 300


def _unwritten_place(text: str, bare: str, written: list[str]) -> str | None:
    """The one place of the bare word's level the report names (in its lead, or twice) but no post writes out.

    A report writes the other side's posts in full (`河源市委书记`) and its own
    side's bare (`市委书记`): the place a bare post means is the one the posts
    leave unwritten, when there is exactly one.
    """
    from kaocha.jurisdictions import gazetteer
    from kaocha.report_places import find_places

    gaz = gazetteer()
    explicit = []
    for place in written:
        j = normalize_jurisdiction(place)
        if j.code:
            explicit.append(gaz.by_code[j.code])
    counts: dict[str, int] = {}
    lead: set[str] = set()
    for mention in find_places(text):
        division = mention.division
        if not matches_level(division.name, bare):
            continue
        counts[division.code] = counts.get(division.code, 0) + 1
        if mention.start < LEAD_CHARS:
            lead.add(division.code)
    candidates = [code for code, n in counts.items() if (n >= 2 or code in lead)
                  and not any(gaz.related(e, gaz.by_code[code]) for e in explicit)]
    return gaz.by_code[candidates[0]].name if len(candidates) == 1 else None


def _normalize_all(officials: list[LinkedOfficial]) -> None:
    """Normalize every post's jurisdiction, the report's known divisions deciding between same-named ones."""
    cache: dict[str, Jurisdiction] = {}
    for official in officials:
        for post in official.posts:
            if post.jurisdiction and post.jurisdiction not in cache:
                cache[post.jurisdiction] = normalize_jurisdiction(post.jurisdiction)
    context = [j for j in cache.values() if j.known]
    for written, j in list(cache.items()):
        if not j.known and j.problem and j.problem.startswith("ambiguous"):
            cache[written] = normalize_jurisdiction(written, context)
    for official in officials:
        for post in official.posts:
            post.normalized = cache.get(post.jurisdiction) if post.jurisdiction else None


def link_pairs(text: str, spans: list[tuple[int, int, str]]) -> set[tuple[int, int, int, int]]:
    """(post start, post end, official start, official end) for every link."""
    return {(p.start, p.end, o.start, o.end) for o in link_officials(text, spans) for p in o.posts}
