"""Jurisdictions normalized to a division of the gazetteer (kaocha/gazetteer/divisions.tsv).

``normalize_jurisdiction("广西")`` gives 广西壮族自治区 (code 450000, level
province); ``"湘西州"`` gives 湘西土家族苗族自治州; a written chain
(``"四川省甘孜藏族自治州乡城县"``) is read part by part, each part looked up
inside the one before, so ``"辽宁省朝阳市"`` is the Liaoning city and not a
Beijing district. A name that is not a division (``西咸新区``, a 兵团 unit, a
county renamed before 2023), or that fits several divisions with nothing to
choose between them (``朝阳区``), keeps the written name, gets no code, and
says why in ``problem``: it is flagged, never guessed. What the text does give
(the province in ``江苏省南京经济技术开发区``) is kept as ``province`` /
``prefecture``.

Short forms are derived from the full names when the table is read: the
stem before the level suffix (``浙江``, ``宁波``, ``浦东``), and for autonomous
units the stem without the peoples' names plus the suffix (``湘西州``,
``峨边县``) or alone (``湘西``, ``广西``). A province's short form wins over a
prefecture's or county's (``海南`` is the province, ``吉林`` the province, not
the city).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable

LEVELS = ("province", "prefecture", "county")
# Names of peoples as they appear inside autonomous units' names, longest first.
PEOPLES = sorted("""蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡
纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安
裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各""".split(), key=len, reverse=True)
# Level suffixes whose stem is a usable short form (`浙江省` → `浙江`).
STEM_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "新区", "林区", "特区", "省", "市", "县", "区", "盟", "旗", "州")
# Character variants the text normalizer leaves alone.
VARIANTS = str.maketrans({"陜": "陕"})


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str
    parent: str | None
    province: str


@dataclass(frozen=True)
class Jurisdiction:
    """A jurisdiction as written and, when the gazetteer has it, the division it is."""

    written: str
    name: str
    code: str | None = None
    level: str | None = None
    province: str | None = None
    province_code: str | None = None
    prefecture: str | None = None
    problem: str | None = None

    @property
    def known(self) -> bool:
        return self.code is not None

    def to_dict(self) -> dict:
        return asdict(self)


def _strip_peoples(stem: str) -> str:
    """`湘西土家族苗族` → `湘西`; `伊犁哈萨克` → `伊犁` (at least two characters stay)."""
    changed = True
    while changed:
        changed = False
        for people in PEOPLES:
            for form in (people + "族", people):
                if stem.endswith(form) and len(stem) - len(form) >= 2:
                    stem, changed = stem[:-len(form)], True
                    break
            if changed:
                break
    return stem


def short_forms(division: Division) -> list[str]:
    """The short names a text may use for ``division`` (never the full name itself)."""
    name = division.name
    forms = []
    for suffix in STEM_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[:-len(suffix)]
            if suffix.startswith("自治"):
                bare = _strip_peoples(stem)
                level_char = {"自治区": "", "自治州": "州", "自治县": "县", "自治旗": "旗"}[suffix]
                if level_char:
                    forms.append(bare + level_char)
                forms.append(bare)
            elif suffix == "新区":
                forms.append(stem)
            elif len(stem) >= 2:
                forms.append(stem)
            break
    return [f for f in dict.fromkeys(forms) if f != name and len(f) >= 2]


class Gazetteer:
    """Divisions by code, full name and short form."""

    def __init__(self, divisions: Iterable[Division]):
        self.by_code: dict[str, Division] = {}
        self.full: dict[str, list[Division]] = {}
        self.short: dict[str, list[Division]] = {}
        for division in divisions:
            self.by_code[division.code] = division
            self.full.setdefault(division.name, []).append(division)
        for division in self.by_code.values():
            for form in short_forms(division):
                self.short.setdefault(form, []).append(division)
        self.max_length = max(len(n) for n in list(self.full) + list(self.short))
        lengths: dict[str, set[int]] = {}
        for name in list(self.full) + list(self.short):
            lengths.setdefault(name[0], set()).add(len(name))
        #: first character → the lengths of names starting with it, longest first
        self.lengths = {char: sorted(ls, reverse=True) for char, ls in lengths.items()}
        #: the first two characters of every name (each is at least two long): a cheap test of where none starts
        self.openings = {name[:2] for name in list(self.full) + list(self.short)}

    def chain(self, division: Division) -> list[Division]:
        """``division`` and the divisions above it, bottom up."""
        out = [division]
        while out[-1].parent:
            out.append(self.by_code[out[-1].parent])
        return out

    def contains(self, outer: Division, inner: Division) -> bool:
        """Whether ``inner`` is ``outer`` or lies inside it."""
        return any(d.code == outer.code for d in self.chain(inner))

    def related(self, a: Division, b: Division) -> bool:
        """One contains the other."""
        return self.contains(a, b) or self.contains(b, a)

    def lookup(self, name: str) -> list[tuple[int, Division]]:
        """``(rank, division)`` for ``name``: rank 0 a full name, 1 a province's short form, 2 another short form."""
        full, short = self.full.get(name), self.short.get(name)
        if not full and not short:  # most calls (`place_at` tries every length at every character)
            return []
        found = [(0, d) for d in full or ()]
        found += [(1 if d.level == "province" else 2, d) for d in short or ()]
        return found


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The packaged division table (see kaocha/gazetteer/README.md)."""
    text = resources.files("kaocha.gazetteer").joinpath("divisions.tsv").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines()[1:] if line.strip()]
    return Gazetteer(Division(code, name, level, parent or None, province) for code, name, level, parent, province in rows)


def _best(candidates: list[tuple[int, Division]], within: Division | None, context: list[Division],
          gaz: Gazetteer) -> tuple[list[Division], bool]:
    """The candidates left after the written parent, the rank and the report's context; ``True`` when one is left."""
    if within is not None:
        candidates = [(r, d) for r, d in candidates if gaz.contains(within, d) and d.code != within.code]
    if not candidates:
        return [], False
    top = min(r for r, _ in candidates)
    left = list(dict.fromkeys(d for r, d in candidates if r == top))
    if len(left) > 1 and context:
        near = [d for d in left if any(gaz.related(c, d) for c in context)]
        if near:
            left = near
        if len(left) > 1:
            same_province = [d for d in left if any(c.province == d.province for c in context)]
            if same_province:
                left = same_province
    return left, len(left) == 1


def _segments(name: str, context: list[Division], gaz: Gazetteer) -> tuple[list[Division], str, str | None]:
    """Read ``name`` left to right as divisions, each inside the previous; returns them, the unread rest and a problem."""
    found: list[Division] = []
    i = 0
    while i < len(name):
        for length in [n for n in gaz.lengths.get(name[i], ()) if n <= len(name) - i]:
            part = name[i:i + length]
            candidates = gaz.lookup(part)
            if not candidates:
                continue
            left, single = _best(candidates, found[-1] if found else None, context, gaz)
            if not left:
                continue
            if not single:
                return found, name[i:], f"ambiguous: {part} may be " + "、".join(
                    f"{'/'.join(d.name for d in reversed(gaz.chain(x)))}" for x in left[:4])
            found.append(left[0])
            i += length
            break
        else:
            return found, name[i:], None
    return found, "", None


def normalize_jurisdiction(written: str, context: Iterable[Division | "Jurisdiction"] = ()) -> Jurisdiction:
    """The division ``written`` names (see the module docstring); ``context`` (divisions of the
    same report) chooses between divisions of the same name."""
    gaz = gazetteer()
    divisions = []
    for item in context:
        if isinstance(item, Jurisdiction):
            if item.code:
                divisions.append(gaz.by_code[item.code])
        elif item is not None:
            divisions.append(item)
    clean = written.strip().translate(VARIANTS)
    if clean.startswith("中共"):
        clean = clean[2:]
    found, rest, problem = _segments(clean, divisions, gaz)
    if found and not rest:
        division = found[-1]
        chain = gaz.chain(division)
        province = chain[-1]
        prefecture = next((d.name for d in chain if d.level == "prefecture"), None)
        return Jurisdiction(written, division.name, division.code, division.level, province.name, province.code, prefecture)
    province = gaz.chain(found[-1])[-1] if found else None
    prefecture = next((d.name for d in gaz.chain(found[-1]) if d.level == "prefecture"), None) if found else None
    return Jurisdiction(written, written, None, None, province.name if province else None,
                        province.code if province else None, prefecture,
                        problem or (f"not in the gazetteer: {rest}" if rest != clean else "not in the gazetteer"))


def division_of(jurisdiction: Jurisdiction | None) -> Division | None:
    """The gazetteer division of a normalized jurisdiction, or None."""
    if jurisdiction is None or jurisdiction.code is None:
        return None
    return gazetteer().by_code[jurisdiction.code]


def within(inner: Jurisdiction | None, outer: Jurisdiction | None) -> bool:
    """Whether ``inner`` lies in ``outer`` (or is it): by codes when both are known, else by the written
    province, else by the written names (``南京经开区`` lies in ``南京市`` only when both are known)."""
    if inner is None or outer is None:
        return False
    a, b = division_of(inner), division_of(outer)
    if a is not None and b is not None:
        return gazetteer().contains(b, a)
    if b is not None and b.level == "province" and inner.province_code == b.code:
        return True
    return inner.written == outer.written or inner.name == outer.name
