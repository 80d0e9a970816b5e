"""The days of a visit (spec §5 ``start``/``end``) from a report's date expressions.

:func:`date_mentions` finds every day the text names: `7月12日`, `2017年8月9日`,
ranges (`7月12日至13日`, `7月30日至8月2日`, `9月20号至22号`, `7月25至27日`),
days alone (`13日上午`: the month of the mention before, or of the dateline
when none comes before), Chinese numerals (`七月十二日`), the typo the spec
reads as meant (`625日` = 6月25日) and days relative to the dateline
(`今天`, `昨日`, `前天`). A *stamp* is a publication date, not a day of the
visit: a date with a clock time (`2023年12月26日15:02`), an ISO or
`DD.MM.YYYY` date, a dateline (`本报广州4月14日电`, `6月28日讯`), or a date
after `发布时间`.

:func:`visit_dates`: the visit days are the days named in the sentences about
the visit (考察, 代表团, 赴, 来 …) near the first one: the first day is the
earliest; the last day is the latest end of a range among them, or else the
latest day named alone within a week after the first (`12日下午… 13日上午`).
`近日`/`日前` in the visit's sentence before any day give no dates; `为期一周`
/ `为期三天` leave the end open. The year is the date's own, else the stamp's
when the visit falls in the half year before it (a December visit published
in January is the year before), else the one year the text names when it
names only one (`2024年京津冀…`), else the metadata date's (same rule as the
stamp), else none (`--MM-DD`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
NUM = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
DAY_MARK = r"[日号]"
RANGE_SEP = r"(?:至|到|-|—|–|~|〜|~)"
FULL = re.compile(
    rf"(?:(\d{{4}})年)?({NUM})月({NUM})({DAY_MARK})?(?:{RANGE_SEP}(?:(\d{{4}})年)?(?:({NUM})月)?({NUM}){DAY_MARK})?")
DAY_ONLY = re.compile(
    rf"(?<![\d月年.\-/:])({NUM}){DAY_MARK}(?:{RANGE_SEP}({NUM}){DAY_MARK})?"
    r"(?=上午|下午|中午|晚|早|凌晨|傍晚|夜|,|、|至|到|起|开始|期间|当天|上|下|在|赴|抵|来|前往|\)|\d{1,2}时|\s*\d{1,2}[:：])")
TYPO = re.compile(r"(?<![\d月年.\-/])([1-9]|1[0-2])([0-3]\d)日")
ISO = re.compile(r"(?<!\d)(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})(?!\d)")
SPACED = re.compile(r"(?<!\d)(\d{4})\s+(\d{1,2})/(\d{1,2})(?!\d)")
DMY = re.compile(r"(?<!\d)(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)")
YEAR_LINE = re.compile(r"(?m)^\s*((?:19|20)\d{2})\s*$")
CLOCK = re.compile(r"^\s*\d{1,2}[:：]\d{2}")
DATELINE_AFTER = re.compile(r"^\s*(?:电|讯|消息)")
STAMP_BEFORE = re.compile(r"(?:发布时间|发布日期|发表时间|发表于|日期|时间|来源|更新时间|编辑|编印)[::]?\s*$")
RELATIVE = re.compile(r"(今天|今日|昨天|昨日|前天|前日)(?:\(\d{1,2}日\))?(?:上午|下午|中午|晚上|晚|早上|傍晚)?")
RELATIVE_DAYS = {"今天": 0, "今日": 0, "昨天": 1, "昨日": 1, "前天": 2, "前日": 2}
VAGUE = re.compile(r"近日|日前|近期|前不久|连日来")
OPEN_END = re.compile(r"为期(?:一|二|两|三|四|五|六|七|八|九|十|半|\d+)(?:个)?(?:周|星期|礼拜|天|日|个月|月)")
VISIT_CUES = re.compile(r"考察|学习|调研|代表团|考察团|访问|座谈|参观|赴|来到|抵达|抵|率|带队|一行|交流|会见|来访")
SENTENCE_END = re.compile(r"[。!?\n]")
LEAD_WINDOW = 300
MAX_EXTENSION_DAYS = 7
STAMP_REACH_DAYS = 183


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    month: int
    day: int
    year: int | None = None
    end_month: int | None = None
    end_day: int | None = None
    end_year: int | None = None
    day_only: bool = False
    stamp: bool = False

    @property
    def is_range(self) -> bool:
        return self.end_day is not None


def cn_number(text: str) -> int:
    """`12` → 12, `十二` → 12, `二十` → 20, `三十一` → 31."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, units = text.partition("十")
        return (CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (CN_DIGITS.get(units, 0) if units else 0)
    return CN_DIGITS.get(text, 0)


def _real(month: int, day: int) -> bool:
    try:
        dt.date(2000, month, day)
        return True
    except ValueError:
        return False


def _line(text: str, start: int, end: int) -> str:
    s = text.rfind("\n", 0, start) + 1
    e = text.find("\n", end)
    return text[s:e if e >= 0 else len(text)]


def _is_stamp(text: str, start: int, end: int, has_year: bool) -> bool:
    if CLOCK.match(text[end:end + 8]) or DATELINE_AFTER.match(text[end:end + 3]):
        return True
    if STAMP_BEFORE.search(text[max(0, start - 8):start]):
        return True
    line = _line(text, start, end)
    return has_year and (len(line) <= 40 or bool(re.search(r"来源|日报|晚报|网|发布", line))) and not VISIT_CUES.search(line)


def date_mentions(text: str) -> list[DateMention]:
    """Every day the text names, in order (see the module docstring)."""
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    for m in FULL.finditer(text):
        year, month, day = m.group(1), cn_number(m.group(2)), cn_number(m.group(3))
        end_year, end_month, end_day = m.group(5), m.group(6), m.group(7)
        if m.group(4) is None and end_day is None:
            continue  # `7月12` without 日 and without a range
        if not _real(month, day):
            continue
        stamp = _is_stamp(text, m.start(), m.end(), bool(year))
        mention = DateMention(m.start(), m.end(), month, day, int(year) if year else None,
                              cn_number(end_month) if end_month else (month if end_day else None),
                              cn_number(end_day) if end_day else None,
                              int(end_year) if end_year else (int(year) if year and end_day else None), stamp=stamp)
        if mention.end_day is not None and not _real(mention.end_month, mention.end_day):
            mention = DateMention(m.start(), m.end(), month, day, mention.year, stamp=stamp)
        found.append(mention)
        taken.append((m.start(), m.end()))
    for pattern, order in ((ISO, (1, 2, 3)), (SPACED, (1, 2, 3)), (DMY, (3, 2, 1))):
        for m in pattern.finditer(text):
            year, month, day = (int(m.group(i)) for i in order)
            if free(m.start(), m.end()) and _real(month, day):
                found.append(DateMention(m.start(), m.end(), month, day, year, stamp=True))
                taken.append((m.start(), m.end()))
    for m in TYPO.finditer(text):
        if free(m.start(), m.end()) and _real(int(m.group(1)), int(m.group(2))):
            found.append(DateMention(m.start(), m.end(), int(m.group(1)), int(m.group(2)),
                                     stamp=_is_stamp(text, m.start(), m.end(), False)))
            taken.append((m.start(), m.end()))
    found.sort(key=lambda d: d.start)
    # days alone and relative days take their month from the mention before them, else from the dateline
    alone = [("day", m) for m in DAY_ONLY.finditer(text) if free(m.start(), m.end())]
    relative = [("relative", m) for m in RELATIVE.finditer(text)]
    merged = sorted([(d.start, "mention", d) for d in found] + [(m.start(), kind, m) for kind, m in alone + relative],
                    key=lambda x: x[0])
    out: list[DateMention] = []
    last: DateMention | None = None
    stamp: DateMention | None = None
    for _, kind, item in merged:
        if kind == "mention":
            out.append(item)
            if item.stamp:
                stamp = stamp or item
            else:
                last = item
            continue
        if kind == "relative":
            if stamp is None:
                continue
            try:
                base = dt.date(stamp.year or 2000, stamp.month, stamp.day) - dt.timedelta(days=RELATIVE_DAYS[item.group(1)])
            except ValueError:
                continue
            year = base.year if stamp.year else None
            out.append(DateMention(item.start(), item.end(), base.month, base.day, year, day_only=True))
            continue
        anchor = last or stamp
        if anchor is None:
            continue
        month = anchor.end_month or anchor.month
        day = cn_number(item.group(1))
        previous_day = anchor.end_day or anchor.day
        if anchor is last and day < previous_day and previous_day - day > 15:
            month = month % 12 + 1  # `10月31日 … 1日`: the next month
        if not _real(month, day):
            continue
        end_day = cn_number(item.group(2)) if item.group(2) else None
        if end_day is not None and not _real(month, end_day):
            end_day = None
        year = anchor.end_year or anchor.year if anchor is last else None
        out.append(DateMention(item.start(), item.end(), month, day, year, month if end_day else None, end_day, None,
                               day_only=True))
    return out


def _iso(year: int | None, month: int, day: int) -> str:
    return f"{year:04d}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"


def _ordinal(month: int, day: int) -> int:
    return dt.date(2000, month, day).toordinal()


def _sentence(text: str, start: int, end: int) -> str:
    s = max((m.end() for m in SENTENCE_END.finditer(text, 0, start)), default=0)
    e = SENTENCE_END.search(text, end)
    return text[s:e.start() if e else len(text)]


def year_near(stamp_year: int, stamp_md: tuple[int, int], visit_md: tuple[int, int]) -> int | None:
    """The year of a visit day published at the stamp: the stamp's, or the one before across New Year; None when
    the visit would fall more than half a year before the stamp or after it."""
    stamp = dt.date(stamp_year, *stamp_md) if _real(*stamp_md) else None
    if stamp is None:
        return None
    for year in (stamp_year, stamp_year - 1):
        try:
            delta = (stamp - dt.date(year, *visit_md)).days
        except ValueError:
            continue
        if -1 <= delta <= STAMP_REACH_DAYS:
            return year
    return None


def published_date(meta: dict | None) -> tuple[int | None, tuple[int, int] | None]:
    """Year and (month, day) of a metadata ``date`` (`2023-07-14`, `2017-08-12 (event …)`, `2018`)."""
    if not meta:
        return None, None
    value = str(meta.get("date") or "")
    m = ISO.search(value)
    if m and _real(int(m.group(2)), int(m.group(3))):
        return int(m.group(1)), (int(m.group(2)), int(m.group(3)))
    m = re.search(r"(?<!\d)(19|20)\d{2}(?!\d)", value)
    return (int(m.group(0)), None) if m else (None, None)


def _year(text: str, mentions: list[DateMention], start_md: tuple[int, int], meta: dict | None) -> int | None:
    for mention in mentions:  # the first stamp the visit can belong to (a page's own date may come first)
        if mention.stamp and mention.year:
            year = year_near(mention.year, (mention.month, mention.day), start_md)
            if year is not None:
                return year
    line_year = YEAR_LINE.search(text)
    if line_year:
        return int(line_year.group(1))
    year, md = published_date(meta)
    if year is not None:
        return year_near(year, md, start_md) if md else year
    return None


def visit_dates(text: str, published: dict | None = None) -> tuple[str | None, str | None]:
    """``(start, end)`` of the visit as ISO strings (`2023-07-12`, `--07-12`) or None; ``published`` is metadata."""
    mentions = date_mentions(text)
    days = [m for m in mentions if not m.stamp]
    cued = [m for m in days if VISIT_CUES.search(_sentence(text, m.start, m.end))]
    if not cued:
        cued = days[:1]
    if not cued:
        return None, None
    first = cued[0]
    sentence = _sentence(text, first.start, first.end)
    vague = VAGUE.search(sentence)
    sentence_start = text.find(sentence)
    if vague and sentence_start + vague.start() < first.start:
        return None, None
    lead = [m for m in cued if m.start - first.start <= LEAD_WINDOW]
    start = min(lead, key=lambda m: _ordinal(m.month, m.day))
    start_md = (start.month, start.day)
    ranges = [m for m in lead if m.is_range]
    if ranges:
        last = max(ranges, key=lambda m: _ordinal(m.end_month, m.end_day))
        end_md = (last.end_month, last.end_day)
        end_year = last.end_year
    else:
        end_md, end_year = start_md, None
        for later in days:
            if later.start <= start.start or later.year:
                continue
            if not later.day_only and later not in lead:
                continue
            ordinal = _ordinal(later.end_month or later.month, later.end_day or later.day)
            if 0 < ordinal - _ordinal(*start_md) <= MAX_EXTENSION_DAYS and ordinal > _ordinal(*end_md):
                end_md = (later.end_month or later.month, later.end_day or later.day)
    open_end = not ranges and end_md == start_md and bool(OPEN_END.search(text))
    year = start.year or _year(text, mentions, start_md, published)
    end_year = end_year or year
    if end_year is not None and _ordinal(*end_md) < _ordinal(*start_md):
        end_year += 1
    return _iso(year, *start_md), (None if open_end else _iso(end_year if year else None, *end_md))
