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
