"""Post types and levels (kaocha.posts)."""

import pytest

from kaocha.jurisdictions import normalize_jurisdiction
from kaocha.linking import post_place
from kaocha.posts import POST_LEVELS, POST_TYPES, code_post, post_type


@pytest.mark.parametrize("post, kind", [
    ("北京市委书记", "party_secretary"), ("自治区党委书记", "party_secretary"), ("党工委书记", "party_secretary"),
    ("总书记", "party_secretary"), ("市委代理书记", "party_secretary"),
    ("市委副书记", "deputy_party_secretary"), ("广西壮族自治区党委副书记", "deputy_party_secretary"),
    ("省长", "government_head"), ("代市长", "government_head"), ("区政府代区长", "government_head"),
    ("自治区主席", "government_head"), ("管委会主任", "government_head"), ("县政府县长", "government_head"),
    ("副市长", "deputy_government_head"), ("常务副省长", "deputy_government_head"), ("县政府副县长", "deputy_government_head"),
    ("省委常委", "standing_committee"), ("中共中央政治局委员", "standing_committee"),
    ("省人大常委会主任", "legislature_cppcc"), ("市政协主席", "legislature_cppcc"), ("区政协副主席", "legislature_cppcc"),
    ("省委组织部部长", "department_head"), ("天津市合作交流办副主任", "department_head"), ("政法委书记", "department_head"),
    ("省教育厅厅长", "department_head"), ("市委秘书长", "department_head"),
    ("北京大学党委书记", "other"), ("校长", "other"), ("中国商飞董事长", "other"),
])
def test_post_types(post, kind):
    assert post_type(post) == kind


def coded(post):
    place, bare = post_place(post)
    return code_post(post, normalize_jurisdiction(place) if place else None, bare)


@pytest.mark.parametrize("post, level", [
    ("中共中央政治局委员", "national"), ("总书记", "national"),
    ("浙江省委书记", "provincial"), ("天津市副市长", "provincial"), ("省长", "provincial"), ("自治区主席", "provincial"),
    ("深圳市委书记", "prefectural"), ("湘西州委书记", "prefectural"), ("州长", "prefectural"),
    ("浦东新区区委书记", "prefectural"),  # a municipality's district ranks as a prefecture
    ("河北省临城县县委书记", "county"), ("宁国市市委书记", "county"), ("县委副书记", "county"),
    ("高平镇党委书记", "township"), ("乡长", "township"),
    ("市委书记", None),  # 市 may be a prefecture or a county-level city: unknown until resolved
])
def test_post_levels(post, level):
    assert coded(post).level == level


def test_codes_come_from_the_documented_lists():
    assert len(POST_TYPES) == 8 and len(POST_LEVELS) == 5
    from pathlib import Path

    doc = (Path(__file__).resolve().parent.parent / "docs" / "posts.md").read_text(encoding="utf-8")
    assert all(f"`{t}`" in doc for t in POST_TYPES) and all(f"`{l}`" in doc for l in POST_LEVELS)
