from kaocha.linking import jurisdiction, link_officials, link_pairs

TEXT = "北京市委书记尹力,市委副书记、市长殷勇,与上海市委书记陈吉宁座谈。陪同的还有王某。"
SPANS = [(0, 6, "POST"), (6, 8, "OFFICIAL"), (9, 14, "POST"), (15, 17, "POST"), (17, 19, "OFFICIAL"),
         (21, 27, "POST"), (27, 30, "OFFICIAL"), (38, 40, "OFFICIAL")]


def test_chained_posts_link_to_the_following_name():
    linked = {o.name: [p.text for p in o.posts] for o in link_officials(TEXT, SPANS)}
    assert linked == {"尹力": ["北京市委书记"], "殷勇": ["市委副书记", "市长"], "陈吉宁": ["上海市委书记"], "王某": []}


def test_post_separated_by_other_text_is_not_linked():
    # "北京市委书记" followed by "," and then a name would be a chain only through 、/, between posts
    assert link_pairs("市长说殷勇", [(0, 2, "POST"), (3, 5, "OFFICIAL")]) == set()


def test_jurisdiction_from_the_post_and_inherited_along_the_chain():
    assert jurisdiction("北京市委书记") == "北京市"
    assert jurisdiction("浦东新区区委书记") == "浦东新区"
    assert jurisdiction("贵州省委书记") == "贵州省" and jurisdiction("忠县县委书记") == "忠县"
    assert jurisdiction("西藏自治区党委书记") == "西藏自治区"
    assert jurisdiction("市长") is None and jurisdiction("中共中央政治局委员") is None
    text = "上海市委副书记、市长龚正"
    official = link_officials(text, [(0, 7, "POST"), (8, 10, "POST"), (10, 12, "OFFICIAL")])[0]
    assert [p.jurisdiction for p in official.posts] == ["上海市", "上海市"]


import pytest  # noqa: E402

from kaocha.linking import post_place  # noqa: E402


@pytest.mark.parametrize("post, place, bare", [
    ("副市长", None, "市"),  # the title names a level, never a place `副市`
    ("常务副省长", None, "省"),
    ("代市长", None, "市"),
    ("县政府副县长", None, "县"),
    ("区政府代区长", None, "区"),
    ("天津市副市长", "天津市", None),
    ("贵州省副省长", "贵州省", None),
    ("自治区党委书记", None, "自治区"),
    ("市委副书记", None, "市"),
    ("宁国市市委书记", "宁国市", None),
    ("天津市合作交流办副主任", "天津市", None),
    ("代县县委书记", "代县", None),
    ("市中区区委书记", "市中区", None),
    ("四川省甘孜藏族自治州乡城县委副书记", "四川省甘孜藏族自治州乡城县", None),
    ("北京大学党委书记", None, None),
    ("中共中央政治局委员", None, None),
])
def test_post_place_does_not_cut_titles(post, place, bare):
    assert post_place(post) == (place, bare)


def linked(marked, home=None):
    from kaocha.annotations.markup import parse_marked

    text, spans = parse_marked(marked)
    return {o.name: [(p.jurisdiction, p.resolved_by) for p in o.posts] for o in link_officials(text, spans, home)}


def test_bare_posts_take_the_place_named_earlier_in_the_sentence():
    out = linked("⟦北京市委书记|POST⟧⟦尹力|OFFICIAL⟧,⟦市委副书记|POST⟧、⟦市长|POST⟧⟦殷勇|OFFICIAL⟧,与"
                 "⟦上海市委书记|POST⟧⟦陈吉宁|OFFICIAL⟧,⟦市委副书记|POST⟧、⟦市长|POST⟧⟦龚正|OFFICIAL⟧座谈。")
    assert out["殷勇"] == [("北京市", "sentence"), ("北京市", "chain")]
    assert out["龚正"] == [("上海市", "sentence"), ("上海市", "chain")]


def test_bare_autonomous_region_resolves_to_the_place_no_post_writes_out():
    out = linked("⟦北京市委书记|POST⟧⟦尹某|OFFICIAL⟧率北京市党政代表团到内蒙古自治区考察。"
                 "⟦自治区党委副书记|POST⟧、⟦自治区主席|POST⟧⟦王某|OFFICIAL⟧陪同。")
    assert out["王某"][0] == ("内蒙古自治区", "report")


def test_a_bare_post_is_not_the_place_other_posts_write_out():
    """The host writes the visitor's posts in full and its own bare: 市委书记 here is 唐山's, not 保定's."""
    out = linked("保定市党政考察团来唐山市考察。⟦保定市委书记|POST⟧⟦甲某|OFFICIAL⟧介绍情况,"
                 "唐山市各界欢迎。⟦市委书记|POST⟧⟦乙某|OFFICIAL⟧陪同。", home={})
    assert out["乙某"] == [("唐山市", "report")]


def test_the_reports_own_place_resolves_bare_posts_and_wo_sheng_blocks_the_sentence_rule():
    text = ("⟦浙江省委书记|POST⟧⟦车某|OFFICIAL⟧率浙江省党政代表团到我省海西蒙古族藏族自治州考察调研,"
            "⟦省委书记|POST⟧⟦王某|OFFICIAL⟧陪同考察。")
    out = linked(text)
    assert out["王某"] == [("青海省", "home")]


def test_an_unresolvable_bare_post_stays_without_jurisdiction():
    out = linked("⟦河北省委书记|POST⟧⟦甲|OFFICIAL⟧到访。⟦天津市委书记|POST⟧⟦乙|OFFICIAL⟧、⟦北京市委书记|POST⟧⟦丙|OFFICIAL⟧出席。"
                 "⟦市长|POST⟧⟦丁|OFFICIAL⟧致辞。", home={})
    assert out["丁"] == [(None, None)]


def test_posts_carry_the_normalized_jurisdiction():
    from kaocha.annotations.markup import parse_marked

    text, spans = parse_marked("⟦广西壮族自治区党委书记|POST⟧⟦某甲|OFFICIAL⟧,⟦湘西州委书记|POST⟧⟦某乙|OFFICIAL⟧")
    officials = link_officials(text, spans)
    assert [o.posts[0].normalized.code for o in officials] == ["450000", "433100"]
