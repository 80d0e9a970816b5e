"""Each official's side (spec §5 ``sides``): features, the rule baseline and the learned model.

:func:`side_features` describes one OFFICIAL name of a report as a dict of
named 0/1 (or small numeric) features:

* ``jur:*`` where its posts' jurisdictions lie against the visitor and the
  host (inside the visitor, inside the host, above either, elsewhere, none,
  national), crossed with how the jurisdiction was found (``res:*``: written
  in the post, from the chain, the sentence, the report's own `我市`, the
  only such place of the report);
* ``list:*`` the `X领导A、B` / `X方面` list it stands in, and where X lies;
* ``cue:*`` words of its clause before and after it (`陪同`, `会见`, `主持`,
  `介绍`, `欢迎`, `率`, `一行`, `随同`, `来访` …) and ``L1``/``L2``/``R1``/``R2``
  characters next to its mention (learned, not listed);
* ``near:*`` the party the nearest place before it in its sentence belongs to;
* ``type:*``/``level:*`` its first post's coding, ``leader`` (a leading verb
  follows it), ``headline`` and ``home:*`` (whether the report is written by
  the host or by the visitor: `来我市`, `我市党政代表团`).

:func:`rule_side` is the baseline: the post's jurisdiction against visitor
and host, and ``fallback`` when that decides nothing.
:class:`SideModel` is a multinomial logistic regression over those features
(scikit-learn to fit; prediction from the saved vocabulary and coefficients,
JSON and ``.npy``, no pickle).
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Iterable

import numpy as np

from kaocha.jurisdictions import Jurisdiction, gazetteer
from kaocha.posts import code_post

SIDES = ("visiting", "host", "other")
CUES = ("陪同", "会见", "会谈", "主持", "介绍", "欢迎", "迎接", "致辞", "讲话", "感谢", "率", "带领", "带队", "一行",
        "随同", "一同", "参加", "出席", "来访", "看望", "考察", "调研", "代表", "座谈", "签约", "签署", "见证", "汇报",
        "总书记", "指示", "重要讲话", "思想", "强调", "指出", "表示", "希望", "交流", "前往", "赴", "来到", "陪", "等")
CLAUSE_END = re.compile(r"[,。;:!?\n]")
SENTENCE_END = re.compile(r"[。;!?\n]")
LEADERS_WORD = re.compile(r"(领导|领导同志|负责同志|负责人|方面|党政领导|四套班子领导|班子成员|代表团成员|考察团成员)(?:还有|有|为|包括|是)?[:,]?$")
LIST_CUES = ("随同", "陪同", "一同", "参加", "出席", "会见", "还有", "一起", "参与", "成员", "看望", "迎接", "座谈")
NATIONAL_POST = re.compile(r"^(?:中共中央|中央|国务院|全国人大|全国政协)|^(?:总书记|总理|副总理|国务委员)$")


def relation(j: Jurisdiction | None, visitor: list[Jurisdiction], host: list[Jurisdiction]) -> str:
    """Where a jurisdiction lies: ``visitor``/``host`` (in it), ``above_visitor``/``above_host`` (contains it), ``other``."""
    if j is None:
        return "none"
    gaz = gazetteer()

    def inside(a: Jurisdiction, b: Jurisdiction) -> bool:
        if a.code and b.code:
            return gaz.contains(gaz.by_code[b.code], gaz.by_code[a.code])
        if b.code and gaz.by_code[b.code].level == "province" and a.province_code == b.code:
            return True
        return a.written == b.written or a.name == b.name or (len(b.written) >= 2 and a.written.startswith(b.written))

    for name, parties in (("visitor", visitor), ("host", host)):
        if any(inside(j, p) for p in parties):
            in_other = any(inside(j, p) for p in (host if name == "visitor" else visitor))
            if not in_other:
                return name
    if any(inside(j, p) for p in visitor) and any(inside(j, p) for p in host):
        # inside both: the more specific party wins
        def depth(p: Jurisdiction) -> int:
            return len(gaz.chain(gaz.by_code[p.code])) if p.code else 0
        best_v = max((depth(p) for p in visitor if inside(j, p)), default=0)
        best_h = max((depth(p) for p in host if inside(j, p)), default=0)
        return "visitor" if best_v > best_h else "host"
    for name, parties in (("above_visitor", visitor), ("above_host", host)):
        if any(inside(p, j) for p in parties):
            return name
    return "other"


class ReportSides:
    """What side features need of one report, computed once."""

    def __init__(self, text: str, spans: list[tuple[int, int, str]], officials, visitor: list[Jurisdiction],
                 host: list[Jurisdiction], home_is: str | None, leaders: set[str], places, home: dict[str, str] | None = None):
        self.home = dict(home or {})
        self.text = text
        self.spans = sorted(spans)
        self.officials = officials
        self.visitor = visitor
        self.host = host
        self.home_is = home_is
        self.leaders = leaders
        self.places = places  # PlaceMention list of the text
        self.head_end = len("\n".join(text.split("\n")[:2]))
        self.by_name: dict[str, list] = {}
        for official in officials:
            self.by_name.setdefault(official.name, []).append(official)
        self._place_relation: dict[int, str] = {}
        for mention in places:
            j = Jurisdiction(mention.written, mention.division.name, mention.division.code, mention.division.level,
                             None, gazetteer().chain(mention.division)[-1].code)
            self._place_relation[mention.start] = relation(j, visitor, host)

    def names(self) -> list[str]:
        return list(dict.fromkeys(o.name for o in self.officials))

    def run_bounds(self, start: int, end: int) -> tuple[int, int]:
        """The list of posts and names around a mention (`省委书记A,省委副书记、省长B`)."""
        ents = [s for s in self.spans if s[2] in ("OFFICIAL", "POST")]
        index = next((i for i, s in enumerate(ents) if s[0] == start), None)
        if index is None:
            return start, end
        lo, hi = index, index
        while lo > 0 and len(self.text[ents[lo - 1][1]:ents[lo][0]]) <= 1 and self.text[ents[lo - 1][1]:ents[lo][0]] in ("", "、", ",", "和", "及", "与"):
            lo -= 1
        while hi + 1 < len(ents) and len(self.text[ents[hi][1]:ents[hi + 1][0]]) <= 1 and self.text[ents[hi][1]:ents[hi + 1][0]] in ("", "、", ",", "和", "及", "与"):
            hi += 1
        return ents[lo][0], ents[hi][1]

    def run_relations(self, start: int) -> tuple[str | None, str | None]:
        """Relations of the officials before ``start`` in its list: the nearest one with a jurisdiction, and the first."""
        lo, _ = self.run_bounds(start, start)
        nearest = first = None
        for official in self.officials:
            if lo <= official.start < start:
                rels = [relation(p.normalized, self.visitor, self.host) for p in official.posts if p.normalized is not None]
                if rels:
                    nearest = rels[0]
                    first = first or rels[0]
        return nearest, first

    def list_relation(self, start: int) -> str | None:
        """The party of the `X领导` phrase that opens the list ``start`` stands in, or None."""
        ents = [s for s in self.spans if s[2] in ("OFFICIAL", "POST")]
        index = next((i for i, s in enumerate(ents) if s[0] == start), None)
        if index is None:
            return None
        lo = index
        while lo > 0 and self.text[ents[lo - 1][1]:ents[lo][0]] in ("、", ",", "和", "及", "", "以及"):
            lo -= 1
        before = self.text[max(0, ents[lo][0] - 24):ents[lo][0]]
        lead = LEADERS_WORD.search(before)
        if not lead:
            return None
        head = before[:lead.start()]
        own = re.search(r"我(自治区|省|市|州|县|区|旗|盟)$", head)
        if own:
            return "home"
        if head.endswith(("双方", "两地", "两省", "两市", "两县", "两区")):
            return "both"
        absolute = ents[lo][0] - len(before) + len(head)
        mention = self._mention_ending(absolute)
        if mention is not None:
            return self._place_relation.get(mention.start, "other")
        bare = next((w for w in ("自治区", "省", "市", "州", "县", "区", "旗", "盟") if head.endswith(w)), None)
        if bare:
            return "bare>" + self.bare_relation(bare, absolute)
        return "unknown"

    def bare_relation(self, bare: str, position: int) -> str:
        """Where a bare level word (`市领导`, `县委书记`) points: resolved as `kaocha.linking` resolves bare posts,
        else by level (`县` when only the visitor is a county: ``level_visitor``), else ``unresolved``."""
        from kaocha.jurisdictions import normalize_jurisdiction
        from kaocha.linking import _resolve_bare, matches_level

        named = [(p.start, p.jurisdiction) for o in self.officials for p in o.posts if p.resolved_by == "post"]
        place, _ = _resolve_bare(self.text, position, bare, sorted(named), self.home)
        if place:
            return relation(normalize_jurisdiction(place), self.visitor, self.host)
        return self.level_relation(bare)

    def level_relation(self, bare: str) -> str:
        from kaocha.linking import matches_level

        v = any(matches_level(j.name, bare) or matches_level(j.written, bare) for j in self.visitor)
        h = any(matches_level(j.name, bare) or matches_level(j.written, bare) for j in self.host)
        return "level_visitor" if v and not h else "level_host" if h and not v else "level_both" if v else "unresolved"

    def _mention_ending(self, end: int):
        for mention in self.places:
            if mention.end == end:
                return mention
        return None

    def nearest_place(self, start: int) -> str:
        sentence_start = max((m.end() for m in SENTENCE_END.finditer(self.text, 0, start)), default=0)
        best = None
        for mention in self.places:
            if sentence_start <= mention.start and mention.end <= start:
                best = mention
        return self._place_relation.get(best.start, "other") if best is not None else "none"


def side_features(report: ReportSides, name: str) -> dict[str, float]:
    """Named features of one OFFICIAL name (see the module docstring)."""
    text = report.text
    features: dict[str, float] = {"bias": 1.0}
    mentions = report.by_name.get(name, [])
    features["mentions"] = math.log1p(len(mentions))
    if mentions:
        features["first_position"] = mentions[0].start / max(1, len(text))
    relations = []
    for official in mentions:
        for post in official.posts:
            if post.normalized is not None or post.jurisdiction:
                rel = relation(post.normalized, report.visitor, report.host)
            elif NATIONAL_POST.search(post.text):
                rel = "national"
            else:
                rel = "none"
            relations.append(rel)
            features[f"jur:{rel}"] = 1.0
            features[f"jur:{rel}&res:{post.resolved_by}"] = 1.0
            if post.resolved_by == "home" and report.home_is:
                features[f"jur:home_is_{report.home_is}"] = 1.0
            if post.bare and post.normalized is None:
                features[f"bare_unresolved:{post.bare}"] = 1.0
                features[f"bare_level:{report.level_relation(post.bare)}"] = 1.0
                if report.home_is:
                    features[f"bare_unresolved&home_is_{report.home_is}"] = 1.0
            code = code_post(post.text, post.normalized, post.bare)
            features[f"type:{code.type}"] = 1.0
            features[f"level:{code.level}"] = 1.0
    if not relations:
        features["no_post"] = 1.0
    for official in mentions:
        lo, hi = report.run_bounds(official.start, official.end)
        clause_start = max((m.end() for m in CLAUSE_END.finditer(text, 0, lo)), default=0)
        clause_end_match = CLAUSE_END.search(text, hi)
        clause_end = clause_end_match.start() if clause_end_match else len(text)
        left, right = text[clause_start:lo], text[hi:clause_end]
        sentence_end_match = SENTENCE_END.search(text, hi)
        sentence_right = text[hi:sentence_end_match.start() if sentence_end_match else len(text)]
        for cue in CUES:
            if cue in left:
                features[f"cue_left:{cue}"] = 1.0
            if cue in right:
                features[f"cue_right:{cue}"] = 1.0
            if cue in sentence_right and cue not in right:
                features[f"cue_sentence_right:{cue}"] = 1.0
        after = text[official.end:official.end + 2]
        before = text[max(0, official.start - 2):official.start]
        run_after = text[hi:hi + 2]
        features[f"R1:{run_after[:1]}"] = 1.0
        features[f"R2:{run_after}"] = 1.0
        features[f"L1:{text[max(0, lo - 1):lo]}"] = 1.0
        features[f"L2:{text[max(0, lo - 2):lo]}"] = 1.0
        features[f"after:{after}"] = 1.0
        features[f"before:{before}"] = 1.0
        if "在" in left[-8:] and ("陪同" in right or "带领" in right or "陪同下" in right):
            features["zai_X_peitong"] = 1.0
        nearest, first = report.run_relations(official.start)
        if nearest:
            features[f"run_prev:{nearest}"] = 1.0
            features[f"run_first:{first}"] = 1.0
            if not official.posts:
                features[f"run_prev_nopost:{nearest}"] = 1.0
        sentence_start = max((m.end() for m in SENTENCE_END.finditer(text, 0, lo)), default=0)
        list_left = text[max(sentence_start, lo - 30):lo]
        for cue in LIST_CUES:
            if cue in list_left:
                features[f"list_left:{cue}"] = 1.0
        listed = report.list_relation(official.start)
        if listed:
            features[f"list:{listed}"] = 1.0
            if listed.startswith("bare>"):
                features["list:bare"] = 1.0
            if (listed == "home" or listed.startswith("bare")) and report.home_is:
                features[f"list:{listed}&home_is_{report.home_is}"] = 1.0
        features[f"near:{report.nearest_place(lo)}"] = 1.0
        if official.start < report.head_end:
            features["headline"] = 1.0
    if name in report.leaders:
        features["leader"] = 1.0
    if report.home_is:
        features[f"home_is:{report.home_is}"] = 1.0
    return features


def rule_side(report: ReportSides, name: str, fallback: str = "other") -> str:
    """The baseline: the side the jurisdiction of the name's posts gives, else ``fallback``."""
    votes, national = [], False
    for official in report.by_name.get(name, []):
        for post in official.posts:
            if post.normalized is None:
                national = national or bool(NATIONAL_POST.search(post.text))
                continue
            rel = relation(post.normalized, report.visitor, report.host)
            if rel in ("visitor", "above_visitor"):
                votes.append("visiting")
            elif rel in ("host", "above_host"):
                votes.append("host")
            elif rel == "other":
                votes.append("other")
    if votes:
        return votes[0]
    return "other" if national else fallback


class SideModel:
    """Multinomial logistic regression over :func:`side_features` (see module docstring)."""

    def __init__(self, c: float = 0.3, min_count: int = 2):
        self.c = c
        self.min_count = min_count
        self.vocab: list[str] = []
        self.classes: list[str] = list(SIDES)
        self.coef = np.zeros((0, 0))
        self.intercept = np.zeros(0)
        self._index: dict[str, int] = {}

    @property
    def fitted(self) -> bool:
        return bool(self.vocab)

    def _matrix(self, rows: list[dict[str, float]]) -> np.ndarray:
        matrix = np.zeros((len(rows), len(self.vocab)))
        for i, row in enumerate(rows):
            for key, value in row.items():
                j = self._index.get(key)
                if j is not None:
                    matrix[i, j] = value
        return matrix

    def fit(self, rows: list[dict[str, float]], labels: list[str]) -> "SideModel":
        from collections import Counter

        from sklearn.linear_model import LogisticRegression

        if not rows:
            raise ValueError("no officials with a gold side to fit the side model on")
        counts = Counter(key for row in rows for key in row)
        self.vocab = sorted(key for key, n in counts.items() if n >= self.min_count)
        self._index = {key: i for i, key in enumerate(self.vocab)}
        present = sorted(set(labels))
        if len(present) == 1:
            self.classes = present
            self.coef = np.zeros((1, len(self.vocab)))
            self.intercept = np.zeros(1)
            return self
        model = LogisticRegression(C=self.c, max_iter=5000)
        model.fit(self._matrix(rows), labels)
        self.classes = [str(c) for c in model.classes_]
        coef, intercept = model.coef_, model.intercept_
        if len(self.classes) == 2:  # binary: scikit-learn keeps one row for the second class
            coef = np.vstack([-coef[0] / 2, coef[0] / 2])
            intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
        self.coef, self.intercept = coef.astype(np.float64), intercept.astype(np.float64)
        return self

    def probabilities(self, rows: list[dict[str, float]]) -> np.ndarray:
        if not rows:
            return np.zeros((0, len(self.classes)))
        scores = self._matrix(rows) @ self.coef.T + self.intercept
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def predict(self, rows: list[dict[str, float]]) -> list[str]:
        if not self.fitted:
            raise ValueError("the side model is not fitted")
        return [self.classes[i] for i in self.probabilities(rows).argmax(axis=1)]

    # -- data-only serialization -------------------------------------------

    def state(self) -> dict:
        return {"c": self.c, "min_count": self.min_count, "vocab": self.vocab, "classes": self.classes}

    def arrays(self) -> dict[str, np.ndarray]:
        return {"coef": self.coef, "intercept": self.intercept}

    @classmethod
    def from_state(cls, state: dict, arrays: dict[str, np.ndarray]) -> "SideModel":
        model = cls(state["c"], state["min_count"])
        model.vocab, model.classes = list(state["vocab"]), list(state["classes"])
        model._index = {key: i for i, key in enumerate(model.vocab)}
        model.coef = np.asarray(arrays["coef"], dtype=np.float64).reshape(len(model.classes), len(model.vocab))
        model.intercept = np.asarray(arrays["intercept"], dtype=np.float64).reshape(len(model.classes))
        return model

    def to_disk(self, path: str | Path, prefix: str = "side") -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / f"{prefix}.json").write_text(json.dumps(self.state(), ensure_ascii=False), encoding="utf-8")
        for name, array in self.arrays().items():
            np.save(path / f"{prefix}_{name}.npy", array, allow_pickle=False)

    @classmethod
    def from_disk(cls, path: str | Path, prefix: str = "side") -> "SideModel":
        path = Path(path)
        state = json.loads((path / f"{prefix}.json").read_text(encoding="utf-8"))
        arrays = {name: np.load(path / f"{prefix}_{name}.npy", allow_pickle=False) for name in ("coef", "intercept")}
        return cls.from_state(state, arrays)


def fit_side_model(examples: Iterable[tuple[dict[str, float], str]], c: float = 1.0) -> SideModel:
    rows, labels = [], []
    for row, label in examples:
        rows.append(row)
        labels.append(label)
    return SideModel(c).fit(rows, labels)
