import pytest

from kaocha.reading import ReportReadError, decode_report, plausibility, read_report

SIMPLIFIED = "北京市党政代表团赴上海市学习考察。北京市委书记尹力参加有关活动,并进行深入座谈,共商两地携手深化交流合作大计。"
TRADITIONAL = "北京市黨政代表團赴上海市學習考察。北京市委書記尹力參加有關活動,並進行深入座談,共商兩地攜手深化交流合作大計。"


def test_utf8_with_and_without_bom(tmp_path):
    plain = tmp_path / "a.txt"
    plain.write_bytes(SIMPLIFIED.encode("utf-8"))
    bom = tmp_path / "b.txt"
    bom.write_bytes(b"\xef\xbb\xbf" + SIMPLIFIED.encode("utf-8"))
    assert read_report(plain) == SIMPLIFIED == read_report(bom)


def test_gb18030_detected(tmp_path):
    path = tmp_path / "gb.txt"
    path.write_bytes(SIMPLIFIED.encode("gb18030"))
    assert read_report(path) == SIMPLIFIED


def test_big5_detected_although_it_also_decodes_as_gb18030(tmp_path):
    data = TRADITIONAL.encode("big5")
    data.decode("gb18030")  # no error: the trap the plausibility score avoids
    path = tmp_path / "big5.txt"
    path.write_bytes(data)
    assert read_report(path) == TRADITIONAL
    assert plausibility(data.decode("gb18030")) < 0.5 < plausibility(TRADITIONAL)


def test_named_encoding_wins_and_wrong_name_fails_clearly(tmp_path):
    path = tmp_path / "big5.txt"
    path.write_bytes(TRADITIONAL.encode("big5"))
    assert read_report(path, "big5") == TRADITIONAL
    with pytest.raises(ReportReadError, match="big5.txt.*not valid utf-8"):
        read_report(path, "utf-8")
    with pytest.raises(ReportReadError, match="unknown encoding"):
        read_report(path, "klingon")


def test_ambiguous_bytes_are_refused_not_guessed():
    with pytest.raises(ReportReadError, match="cannot tell the encoding.*--encoding"):
        decode_report(bytes([0xA4, 0x40, 0xB0, 0xA1]) * 3 + bytes([0x8E, 0xFD, 0x9A, 0x40]) * 3, "x.txt")


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"  \n\r\n ", "empty"),
    (b"\x00\x01\x02binary\x00" * 10, "binary"),
    (b"\xff\xfe\xfd\xfc" * 20, "undecodable|cannot tell"),
])
def test_bad_files_name_the_file_and_problem(tmp_path, data, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(ReportReadError, match=rf"bad\.txt: .*({message})"):
        read_report(path)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(ReportReadError, match="no such file"):
        read_report(tmp_path / "nope.txt")
    with pytest.raises(ReportReadError, match="directory"):
        read_report(tmp_path)
