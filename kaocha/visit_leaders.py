"""The leaders of the visiting delegation (spec §5 ``leaders``), from leading verbs.

An OFFICIAL leads when the text puts it right before a leading verb (`率`,
`率领`, `带领`, `带队`, `率团`, `率队`, `在…的带领下`), alone or in a list of
officials with their posts (`省委书记A,省委副书记、省长B率…`), or names it
as head of the delegation (`以A为团长`, `团长A`; never `副团长`). `X一行`
alone makes no leader. Names come in the order written, each once.

:func:`leader_candidates` returns every such name with the position of its
cue; the visit predictor keeps those whose side is ``visiting`` (a host
leading a tour of their own place is not a leader of the delegation).
"""

from __future__ import annotations

import re

LEAD_VERB = re.compile(r"率领|带领|带队|率团|率队|领队|率")
HEAD_OF = re.compile(r"^(?:为|任)(?:代表团|考察团)?团长")
HEAD_BEFORE = re.compile(r"(?<!副)团长(?:为|是|由)?$")
# What may stand between the names and the verb (`郑栅洁书记随即率队`, `在A的带领下`, `A同志率`).
GAP = re.compile(r"^(?:同志|书记|主任|主席|等|一行|亲自|随即|专程|再次|共同|分别|联合|的|,|、)*$")
LIST_SEP = frozenset("、,和与及")


def leader_candidates(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[str, int]]:
    """``(name, cue position)`` of every OFFICIAL the text makes a leader, in text order, each name once."""
    ordered = sorted((s, e, label) for s, e, label in spans if label in ("OFFICIAL", "POST"))
    found: list[tuple[str, int]] = []
    for i, (start, end, label) in enumerate(ordered):
        if label != "OFFICIAL":
            continue
        name = text[start:end]
        # the run of officials/posts this name belongs to, and what follows the run
        j, run_end = i, end
        while j + 1 < len(ordered):
            n_start, n_end, _ = ordered[j + 1]
            gap = text[run_end:n_start]
            if len(gap) > 1 or (gap and gap not in LIST_SEP):
                break
            j, run_end = j + 1, n_end
        after = text[run_end:run_end + 12]
        verb = LEAD_VERB.search(after)
        if verb and GAP.match(after[:verb.start()]) and not after[verb.start():].startswith("率先"):
            found.append((name, run_end + verb.start()))
            continue
        if HEAD_OF.match(text[end:end + 10]):
            found.append((name, end))
            continue
        if HEAD_BEFORE.search(text[max(0, start - 6):start]):
            found.append((name, start))
    seen: set[str] = set()
    out = []
    for name, position in found:
        if name not in seen:
            seen.add(name)
            out.append((name, position))
    return out
