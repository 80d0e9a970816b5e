"""The days of a visit (spec §5 ``start``/``end``) from a report's date expressions.

:func:`date_mentions` finds every day the text names: `7月12日`, `2017年8月9日`,
ranges (`7月12日至13日`, `7月12日—8月2日`, `9月20号至22号`, `7月12-13日`),
days alone (`13日上午`, month from the mention before), Chinese numerals
(`七月十二日`) and the typo the spec reads as meant (`625日` = 6月25日). A
date followed by a clock time (`2023年12月26日15:02`) or after `发布时间`
is a publication stamp, not a day of the visit.

:func:`visit_dates` takes the first day of the visit from the first mention
in a sentence about the visit (考察, 代表团, 赴, 来 …; else the first mention),
and the last day from its range or from later days-alone mentions within a
week (`12日下午… 13日上午…`); `为期一周` leaves the end open; `近日`/`日前` before
any day give no dates. The year is the mention's own, else the year of the
dateline/byline (a full date elsewhere in the text), else the year of
``published`` (metadata), else none (`--MM-DD`). A visit day later in the
year than a publication date of its year belongs to the year before.
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
DAY_ONLY = re.compile(rf"(?<![\d月年.\-/])({NUM}){DAY_MARK}(?:{RANGE_SEP}({NUM}){DAY_MARK})?(?=(?:上午|下午|中午|晚|早|凌晨|傍晚|夜|,|、|至|到|起|开始|期间|当天|上|下|在|赴|抵|来|前往))")
TYPO = re.compile(r"(?<![\d月年.\-/])([1-9]|1[0-2])([0-3]\d)日")
ISO = re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
DMY = re.compile(r"(?<!\d)(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)")
YEAR_MONTH = re.compile(r"(?<!\d)(\d{4})年(\d{1,2})月")
CLOCK = re.compile(r"^\s*\d{1,2}[:：]\d{2}")
STAMP_BEFORE = re.compile(r"(?:发布时间|发布日期|发表时间|日期|时间|来源|更新时间|编辑)[::]?\s*$")
VAGUE = re.compile(r"近日|日前|近期|前不久|连日来|日来")
OPEN_END = re.compile(r"为期(?:一|1)周|为期(?:一个|1个)?(?:星期|礼拜)|为期(?:半个|一个)月")
VISIT_CUES = re.compile(r"考察|学习|调研|代表团|考察团|访问|座谈|参观|赴|来到|抵达|率|带队|一行|交流")
SENTENCE_END = re.compile(r"[。!?\n]")


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


def _is_stamp(text: str, start: int, end: int) -> bool:
    return bool(CLOCK.match(text[end:end + 8]) or STAMP_BEFORE.search(text[max(0, start - 8):start]))


def date_mentions(text: str) -> list[DateMention]:
    """Every day the text names, in order (see the module docstring)."""
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for m in FULL.finditer(text):
        year, month, day = m.group(1), cn_number(m.group(2)), cn_number(m.group(3))
        end_year, end_month, end_day = m.group(5), m.group(6), m.group(7)
        if m.group(4) is None and end_day is None:
            continue  # `7月12` without 日 and without a range
        if not _real(month, day):
            continue
        mention = DateMention(m.start(), m.end(), month, day, int(year) if year else None,
                              cn_number(end_month) if end_month else (month if end_day else None),
                              cn_number(end_day) if end_day else None,
                              int(end_year) if end_year else (int(year) if year and end_day else None),
                              stamp=_is_stamp(text, m.start(), m.end()))
        if mention.end_day is not None and not _real(mention.end_month, mention.end_day):
            mention = DateMention(m.start(), m.end(), month, day, mention.year, stamp=mention.stamp)
        found.append(mention)
        taken.append((m.start(), m.end()))

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    for m in ISO.finditer(text):
        if free(m.start(), m.end()) and _real(int(m.group(2)), int(m.group(3))):
            found.append(DateMention(m.start(), m.end(), int(m.group(2)), int(m.group(3)), int(m.group(1)), stamp=True))
            taken.append((m.start(), m.end()))
    for m in DMY.finditer(text):
        if free(m.start(), m.end()) and _real(int(m.group(2)), int(m.group(1))):
            found.append(DateMention(m.start(), m.end(), int(m.group(2)), int(m.group(1)), int(m.group(3)), stamp=True))
            taken.append((m.start(), m.end()))
    for m in TYPO.finditer(text):
        if free(m.start(), m.end()) and _real(int(m.group(1)), int(m.group(2))):
            found.append(DateMention(m.start(), m.end(), int(m.group(1)), int(m.group(2))))
            taken.append((m.start(), m.end()))
    found.sort(key=lambda d: d.start)
    # days alone take the month of the mention before them
    out: list[DateMention] = []
    day_alone = sorted((m for m in DAY_ONLY.finditer(text) if free(m.start(), m.end())), key=lambda m: m.start())
    merged = sorted([(d.start, d) for d in found] + [(m.start(), m) for m in day_alone], key=lambda x: x[0])
    last: DateMention | None = None
    for _, item in merged:
        if isinstance(item, DateMention):
            out.append(item)
            if not item.stamp:
                last = item
            continue
        if last is None:
            continue
        month = last.end_month or last.month
        day = cn_number(item.group(1))
        if not _real(month, day):
            continue
        end_day = cn_number(item.group(2)) if item.group(2) else None
        mention = DateMention(item.start(), item.end(), month, day, last.end_year or last.year,
                              month if end_day else None, end_day, None, day_only=True)
        out.append(mention)
    return out


def _iso(year: int | None, month: int, day: int) -> str:
    return f"{year:04d}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"


def _ordinal(month: int, day: int) -> int:
    return dt.date(2000, month, day).toordinal()


def text_year(text: str, mentions: list[DateMention], visit: DateMention | None) -> tuple[int | None, tuple[int, int] | None]:
    """The year of the dateline/byline and its (month, day) when known: the first full date other than the visit's."""
    for mention in mentions:
        if mention is not visit and mention.year:
            return mention.year, (mention.month, mention.day)
    for m in YEAR_MONTH.finditer(text):
        return int(m.group(1)), None
    return None, None


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


def _sentence(text: str, start: int, end: int) -> str:
    s = max((m.end() for m in SENTENCE_END.finditer(text, 0, start)), default=0)
    e = SENTENCE_END.search(text, end)
    return text[s:e.start() if e else len(text)]


def _visit_mention(text: str, mentions: list[DateMention]) -> DateMention | None:
    days = [m for m in mentions if not m.stamp]
    if not days:
        return None
    for mention in days:
        if VISIT_CUES.search(_sentence(text, mention.start, mention.end)):
            return mention
    return days[0]


def visit_dates(text: str, published: dict | None = None) -> tuple[str | None, str | None]:
    """``(start, end)`` of the visit as ISO strings (`2023-07-12`, `--07-12`) or None; ``published`` is metadata."""
    mentions = date_mentions(text)
    first = _visit_mention(text, mentions)
    if first is None:
        return None, None
    vague = VAGUE.search(text[:first.start])
    if vague and VISIT_CUES.search(_sentence(text, vague.start(), vague.end())):
        return None, None
    start_md = (first.month, first.day)
    end_md = (first.end_month, first.end_day) if first.end_day else start_md
    if first.end_day is None:
        start_ord = _ordinal(*start_md)
        for later in mentions:
            if later.start <= first.start or later.stamp or later.year:
                continue
            ordinal = _ordinal(later.end_month or later.month, later.end_day or later.day)
            if 0 < ordinal - start_ord <= 7 and ordinal > _ordinal(*end_md):
                end_md = (later.end_month or later.month, later.end_day or later.day)
    open_end = bool(OPEN_END.search(text)) and first.end_day is None and end_md == start_md
    year = first.year
    if year is None:
        year, stamp_md = text_year(text, mentions, first)
        if year is None:
            year, stamp_md = published_date(published)
        if year is not None and stamp_md is not None and _ordinal(*start_md) > _ordinal(*stamp_md) + 14:
            year -= 1
    end_year = first.end_year or year
    if end_year is not None and _ordinal(*end_md) < _ordinal(*start_md):
        end_year += 1
    start = _iso(year, *start_md)
    end = None if open_end else _iso(end_year if year else None, *end_md)
    return start, end
