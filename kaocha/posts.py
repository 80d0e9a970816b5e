"""Posts coded for analysis: a type and a level for each post, from its text and its jurisdiction.

Types (``POST_TYPES``; docs/posts.md has the table with examples):

==========================  ====================================================
``party_secretary``         书记 of a party committee of a place or zone (省委书记,
                            自治区党委书记, 党工委书记), 总书记
``deputy_party_secretary``  副书记 of such a committee (incl. 专职/常务副书记)
``government_head``         省长/市长/县长/区长/州长/旗长/盟长/乡长/镇长 (also 代…),
                            自治区(政府)主席, 管委会主任 of a zone, 总理
``deputy_government_head``  副省长, 常务副市长, 自治区副主席, 管委会副主任, 副总理, 国务委员
``standing_committee``      常委 of a party committee (not otherwise coded), 政治局委员/常委
``legislature_cppcc``       chair or vice-chair (主任/副主任, 主席/副主席, 党组书记) of a people's
                            congress standing committee or a CPPCC committee
``department_head``         head or deputy head of a department, office or commission
                            (组织部部长, 教育厅厅长, 合作交流办副主任), 秘书长, 纪委书记, 政法委书记
``other``                   anything else (校长, 董事长, 组长, 巡视员)
==========================  ====================================================

Levels (``POST_LEVELS``): ``national`` for central posts (中共中央…, 国务院,
全国人大/政协, 总书记); otherwise the level of the post's normalized jurisdiction
(province → ``provincial``, prefecture → ``prefectural``, county →
``county``; the districts and counties of the four municipalities rank as
``prefectural``); ``township`` for 乡/镇/街道 posts; from the bare level word
when the jurisdiction is not resolved (`省长` → provincial, `县委书记` →
county); None when nothing says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kaocha.jurisdictions import Jurisdiction

POST_TYPES = ("party_secretary", "deputy_party_secretary", "government_head", "deputy_government_head",
              "standing_committee", "legislature_cppcc", "department_head", "other")
POST_LEVELS = ("national", "provincial", "prefectural", "county", "township")
MUNICIPALITIES = ("110000", "120000", "310000", "500000")

NATIONAL = re.compile(r"^(?:中共中央|中央|国务院|全国人大|全国政协|中华人民共和国|国家)|^(?:总书记|总理|副总理|国务委员|委员长|副委员长)$")
TOWNSHIP = re.compile(r"(?:镇|乡|街道)(?:党委|党工委|人民政府|政府|人大|办事处)(?:[^省市县区州旗]*)$|(?:副)?(?:镇|乡)长$")
LEGISLATURE = re.compile(r"(?:人大常委会|人大|政协)(?:党组)?(?:第一)?(?:常务)?(?:副)?(?:主任|主席|书记)$")
DEPARTMENT_OFFICE = re.compile(r"(?:厅|局|部|办|办公室|委员会|研究室|政研室|中心|署)(?:党组)?(?:副)?(?:主任|部长|厅长|局长|书记|长|署长)$")
DEPARTMENT_COMMISSIONS = re.compile(r"(?:纪委|监委|纪委监委|政法委|组织部|宣传部|统战部|发改委|发展改革委|国资委|教育工委)(?:常务)?(?:副)?(?:书记|部长|主任|长)$|(?:组织|宣传|统战)部长$|秘书长$")
PARTY_SECRETARY = re.compile(r"(?:委|党委|党工委|工委)(?:代理|第一)?书记$|^(?:中共中央)?总书记$")
DEPUTY_SECRETARY = re.compile(r"(?:委|党委|党工委|工委)(?:专职|常务)?副书记$")
GOVERNMENT_HEAD = re.compile(r"(?:^|[省市县区州旗盟乡镇]|政府)(?:代理|代)?[省市县区州旗盟乡镇]长$|自治区(?:人民)?(?:政府)?(?:代)?主席$|管委会(?:代理)?主任$|^(?:国务院)?总理$")
DEPUTY_HEAD = re.compile(r"(?:常务)?副[省市县区州旗盟乡镇]长$|自治区(?:人民)?(?:政府)?(?:常务)?副主席$|管委会(?:常务)?副主任$|副总理$|国务委员$|[省市县区州旗盟]长助理$")
STANDING = re.compile(r"(?:委|党委|党工委)常委$|政治局(?:常委|委员)$|常务委员会委员$")
# Institutions, not places: their party secretaries are coded "other".
INSTITUTION = re.compile(r"大学|学院|学校|公司|集团|医院|银行|研究院|研究所|协会|商会")
BARE_LEVEL = {"省": "provincial", "自治区": "provincial", "州": "prefectural", "自治州": "prefectural",
              "盟": "prefectural", "县": "county", "旗": "county"}
DIVISION_LEVEL = {"province": "provincial", "prefecture": "prefectural", "county": "county"}


@dataclass(frozen=True)
class PostCode:
    type: str
    level: str | None


def post_type(post: str) -> str:
    """The type of a post (one of ``POST_TYPES``), from its text."""
    text = post.strip()
    if LEGISLATURE.search(text):
        return "legislature_cppcc"
    if DEPARTMENT_COMMISSIONS.search(text):
        return "department_head"
    if INSTITUTION.search(text):
        return "other"
    if PARTY_SECRETARY.search(text):
        return "party_secretary"
    if DEPUTY_SECRETARY.search(text):
        return "deputy_party_secretary"
    if DEPUTY_HEAD.search(text):
        return "deputy_government_head"
    if GOVERNMENT_HEAD.search(text) or text in ("省长", "市长", "县长", "区长", "州长", "旗长", "盟长", "镇长", "乡长"):
        return "government_head"
    if STANDING.search(text):
        return "standing_committee"
    if DEPARTMENT_OFFICE.search(text):
        return "department_head"
    return "other"


def post_level(post: str, jurisdiction: Jurisdiction | None = None, bare: str | None = None) -> str | None:
    """The level of a post (one of ``POST_LEVELS``) or None (see the module docstring)."""
    text = post.strip()
    if NATIONAL.search(text) and not (jurisdiction and jurisdiction.known):
        return "national"
    if TOWNSHIP.search(text):
        return "township"
    if jurisdiction is not None and jurisdiction.known:
        if jurisdiction.level == "county" and jurisdiction.province_code in MUNICIPALITIES:
            return "prefectural"
        return DIVISION_LEVEL[jurisdiction.level]
    if bare in BARE_LEVEL:
        return BARE_LEVEL[bare]
    return None


def code_post(post: str, jurisdiction: Jurisdiction | None = None, bare: str | None = None) -> PostCode:
    """Type and level of a post."""
    return PostCode(post_type(post), post_level(post, jurisdiction, bare))


def describe_jurisdiction(jurisdiction: Jurisdiction | None) -> dict:
    """Columns for tables: normalized name, code, level, province (all None when there is no jurisdiction)."""
    if jurisdiction is None:
        return {"jurisdiction": None, "jurisdiction_code": None, "jurisdiction_level": None, "province": None,
                "jurisdiction_flag": None}
    return {"jurisdiction": jurisdiction.name, "jurisdiction_code": jurisdiction.code,
            "jurisdiction_level": jurisdiction.level, "province": jurisdiction.province,
            "jurisdiction_flag": jurisdiction.problem}


__all__ = ["POST_TYPES", "POST_LEVELS", "PostCode", "post_type", "post_level", "code_post", "describe_jurisdiction"]
