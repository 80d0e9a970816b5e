"""Officials with their posts: which POST spans belong to which OFFICIAL.

A post belongs to the name it stands directly before (`市长殷勇`), and so does
every post chained to it by 、 or , (`市委副书记、市长殷勇`: both posts). A
post names a jurisdiction when it starts with a place name (`北京市委书记` →
`北京市`); a post without one (`市长`) takes the jurisdiction of the post
before it in the same chain. The same function pairs gold spans and
predicted spans, so linking can be scored against the annotations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

CHAIN_SEPARATORS = frozenset("、,")
# A place name at the start of a post ends in an administrative suffix and is
# followed by an organ or a title (`北京市|委书记`, `浦东新区|区委书记`); a bare
# `市` in `市委书记` refers to the context and is not a place name.
PLACE_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "省", "市", "州", "盟", "县", "区", "旗")
ORGAN_START = re.compile(r"^(?:委|人大|人民政府|政府|政协|纪委|党委|党工委|管委会|长|工委)")


@dataclass
class LinkedPost:
    text: str
    start: int
    end: int
    jurisdiction: str | None


@dataclass
class LinkedOfficial:
    name: str
    start: int
    end: int
    posts: list[LinkedPost] = field(default_factory=list)


def jurisdiction(post: str) -> str | None:
    """The place a post names at its start (`北京市委书记` → `北京市`), or None."""
    body = post[2:] if post.startswith("中共") else post
    for end in range(2, min(len(body), 14)):
        place, rest = body[:end], body[end:]
        if place.endswith(PLACE_SUFFIXES) and (
                ORGAN_START.match(rest) or (rest[:1] == place[-1] and ORGAN_START.match(rest[1:]))):
            return place
    return None


def link_officials(text: str, spans: list[tuple[int, int, str]]) -> list[LinkedOfficial]:
    """Every OFFICIAL span, in order, with the chain of POST spans right before it."""
    ordered = sorted(spans)
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
        posts, place = [], None
        for p_start, p_end in chain:
            place = jurisdiction(text[p_start:p_end]) or place
            posts.append(LinkedPost(text[p_start:p_end], p_start, p_end, place))
        out.append(LinkedOfficial(text[start:end], start, end, posts))
    return out


def link_pairs(text: str, spans: list[tuple[int, int, str]]) -> set[tuple[int, int, int, int]]:
    """(post start, post end, official start, official end) for every link."""
    return {(p.start, p.end, o.start, o.end) for o in link_officials(text, spans) for p in o.posts}
