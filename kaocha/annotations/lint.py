"""`kaocha annotations lint`: consistency checks that catch annotator slips.

It reports, it never fixes. Five checks:

* ``inconsistent``: a string annotated with one label somewhere is annotated
  with another label, or left unannotated, elsewhere (occurrences inside a
  longer span are not counted).
* ``unannotated-name``: a POST directly followed by 2-3 Han characters that
  start with a surname and are covered by no span.
* ``name-without-post``: an OFFICIAL string never seen directly next to a POST
  anywhere in the corpus (possibly not an office holder).
* ``side-vs-post``: an official marked ``visiting`` whose linked post names a
  host jurisdiction, or ``host`` whose post names a visitor jurisdiction.
* ``leader-not-visiting``: a leader of the visit whose side is not ``visiting``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from kaocha.annotations.records import AnnotatedReport
from kaocha.knowledge import lexicon as lexicon_version
from kaocha.linking import link_officials

HAN2_3 = re.compile(r"[\u4e00-\u9fff]{2,3}")
GLUE = "、,，和与及"


@dataclass(frozen=True)
class Finding:
    check: str
    report: str
    offset: int
    text: str
    message: str

    def __str__(self) -> str:
        return f"{self.check}\t{self.report}@{self.offset}\t{self.text}\t{self.message}"


def _covered(report: AnnotatedReport) -> list[tuple[int, int, str]]:
    return sorted((s.start, s.end, s.label) for s in report.spans)


def check_inconsistent(reports: list[AnnotatedReport], min_length: int = 2) -> list[Finding]:
    labels_of: dict[str, set[str]] = defaultdict(set)
    for report in reports:
        for span in report.spans:
            labels_of[report.span_text(span)].add(span.label)
    findings = []
    for string, labels in sorted(labels_of.items()):
        if len(string) < min_length:
            continue
        if len(labels) > 1:
            findings.append(Finding("inconsistent", "*", -1, string, f"annotated as {' and '.join(sorted(labels))}"))
        for report in reports:
            spans = _covered(report)
            for match in re.finditer(re.escape(string), report.text):
                start, end = match.start(), match.end()
                exact = [label for s, e, label in spans if s == start and e == end]
                if exact:
                    continue
                if any(s <= start and end <= e and (s, e) != (start, end) for s, e, _ in spans):
                    continue  # inside a longer span
                if any(s < end and start < e for s, e, _ in spans):
                    continue  # crosses another span: a different reading of the characters
                findings.append(Finding("inconsistent", report.id, start, string,
                                        f"annotated {'/'.join(sorted(labels))} elsewhere, not here: …{report.text[max(0, start - 8):end + 8]}…".replace("\n", "⏎")))
    return findings


def check_unannotated_names(reports: list[AnnotatedReport]) -> list[Finding]:
    lexicon = lexicon_version()
    names = lexicon.surnames()
    findings = []
    for report in reports:
        spans = _covered(report)
        starts = {s for s, _, _ in spans}
        for start, end, label in spans:
            if label != "POST" or end in starts:
                continue
            match = HAN2_3.match(report.text, end)
            if not match:
                continue
            candidate = match.group()
            if candidate.startswith(lexicon.cue_words()["not_name"]):
                continue
            if any(candidate.startswith(name) for name in names) and not any(s < match.end() and end < e for s, e, _ in spans):
                findings.append(Finding("unannotated-name", report.id, end, candidate,
                                        f"after POST {report.text[start:end]}: a name left unannotated? …{report.text[start:end + 6]}…"))
    return findings


def _anchored_officials(report: AnnotatedReport) -> list[tuple[int, int, bool]]:
    """OFFICIAL spans with whether each is anchored: next to a POST, after `领导`,
    or in a 、-list right after an anchored name (attendee lists)."""
    spans = _covered(report)
    result: list[tuple[int, int, bool]] = []
    for i, (start, end, label) in enumerate(spans):
        if label != "OFFICIAL":
            continue
        before = spans[i - 1] if i > 0 else None
        after = spans[i + 1] if i + 1 < len(spans) else None
        anchored = bool(
            (before and before[2] == "POST" and before[1] == start)
            or (after and after[2] == "POST" and after[0] == end)
            or "领导" in report.text[max(0, start - 6):start]
            or (result and result[-1][2] and report.text[result[-1][1]:start] in tuple(GLUE))
        )
        result.append((start, end, anchored))
    return result


def check_names_without_post(reports: list[AnnotatedReport]) -> list[Finding]:
    anchored_names: set[str] = set()
    first_seen: dict[str, tuple[str, int]] = {}
    for report in reports:
        for start, end, anchored in _anchored_officials(report):
            name = report.text[start:end]
            first_seen.setdefault(name, (report.id, start))
            if anchored:
                anchored_names.add(name)
    return [Finding("name-without-post", rid, offset, name,
                    "OFFICIAL never next to a POST or in a list of leaders anywhere: an office holder?")
            for name, (rid, offset) in sorted(first_seen.items()) if name not in anchored_names]


def _names_place(jurisdiction: str, places: list[str]) -> bool:
    """Whether a post's jurisdiction is one of ``places`` (or its tail: `临城县` in `河北省临城县`)."""
    return any(place == jurisdiction or place.endswith(jurisdiction) for place in places if len(jurisdiction) >= 2)


def check_visit_sides(reports: list[AnnotatedReport]) -> list[Finding]:
    findings = []
    for report in reports:
        visit = report.visit
        if visit is None:
            continue
        spans = [(s.start, s.end, s.label) for s in report.spans]
        for official in link_officials(report.text, spans):
            side = visit.sides.get(official.name)
            for post in official.posts:
                if not post.jurisdiction:
                    continue
                if side == "visiting" and _names_place(post.jurisdiction, visit.host) and not _names_place(post.jurisdiction, visit.visitor):
                    findings.append(Finding("side-vs-post", report.id, official.start, official.name,
                                            f"side visiting, but the post {post.text} names the host {post.jurisdiction}"))
                elif side == "host" and _names_place(post.jurisdiction, visit.visitor) and not _names_place(post.jurisdiction, visit.host):
                    findings.append(Finding("side-vs-post", report.id, official.start, official.name,
                                            f"side host, but the post {post.text} names the visitor {post.jurisdiction}"))
        for leader in visit.leaders:
            if visit.sides.get(leader) != "visiting":
                findings.append(Finding("leader-not-visiting", report.id, -1, leader,
                                        f"leads the visit but has side {visit.sides.get(leader)!r}"))
    return findings


def lint(reports: list[AnnotatedReport]) -> list[Finding]:
    return (check_inconsistent(reports) + check_unannotated_names(reports) + check_names_without_post(reports)
            + check_visit_sides(reports))
