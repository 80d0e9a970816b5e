from kaocha.sentences import sentence_spans


def texts(text):
    return [text[s:e] for s, e in sentence_spans(text)]


def test_splits_after_runs_of_enders_with_one_closing_quote():
    assert texts("他说:“好!”我们走。真的?!是;不是\n标题 \n") == ["他说:“好!”", "我们走。", "真的?!", "是;不是", "标题"]


def test_newline_splits_and_whitespace_belongs_to_no_sentence():
    text = " 甲。 乙\n\n丙"
    assert texts(text) == ["甲。", "乙", "丙"]
    assert sentence_spans(text)[0] == (1, 3)


def test_no_sentence_for_blank_text():
    assert sentence_spans("\n \n") == []
