import os
from pathlib import Path

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


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom_is_read(tmp_path, codec):
    bom = b"\xff\xfe" if codec.endswith("le") else b"\xfe\xff"
    path = tmp_path / "u16.txt"
    path.write_bytes(bom + (SIMPLIFIED + "\r\n").encode(codec))
    assert read_report(path) == SIMPLIFIED + "\r\n"
    assert read_report(path, "utf-16") == SIMPLIFIED + "\r\n"
    assert read_report(path, "UTF16") == SIMPLIFIED + "\r\n"  # an alias of a supported encoding


def test_utf16_needs_its_bom_and_garbage_after_a_bom_is_refused(tmp_path):
    no_bom = tmp_path / "nobom.txt"
    no_bom.write_bytes(SIMPLIFIED.encode("utf-16-le"))
    with pytest.raises(ReportReadError, match="nobom.txt: .*binary"):
        read_report(no_bom)
    with pytest.raises(ReportReadError, match="nobom.txt: .*byte-order mark"):
        read_report(no_bom, "utf-16")
    utf32 = tmp_path / "u32.txt"
    utf32.write_bytes(SIMPLIFIED.encode("utf-32"))
    with pytest.raises(ReportReadError, match="u32.txt: .*UTF-32"):
        read_report(utf32)


@pytest.mark.parametrize("name", ["latin-1", "cp1252", "gbk", "utf-16-le", "klingon"])
def test_only_the_readers_encodings_are_accepted(tmp_path, name):
    path = tmp_path / "a.txt"
    path.write_bytes(SIMPLIFIED.encode("utf-8"))
    with pytest.raises(ReportReadError, match=r"a.txt: (unknown|unsupported) encoding .*utf-8, gb18030, big5, utf-16"):
        read_report(path, name)


def test_links_that_lead_nowhere_name_the_problem(tmp_path):
    dangling = tmp_path / "dangling.txt"
    dangling.symlink_to(tmp_path / "gone.txt")
    with pytest.raises(ReportReadError, match="dangling.txt: is a symbolic link to a missing file"):
        read_report(dangling)
    loop = tmp_path / "loop.txt"
    loop.symlink_to(tmp_path / "loop.txt")
    with pytest.raises(ReportReadError, match="loop.txt: is a symbolic link that loops"):
        read_report(loop)


def test_unreadable_file_is_named(tmp_path, monkeypatch):
    path = tmp_path / "secret.txt"
    path.write_bytes(SIMPLIFIED.encode("utf-8"))
    path.chmod(0)
    if os.geteuid() == 0:  # root reads any file: make the read fail as it would for a user
        def refuse(self):
            raise PermissionError(13, "Permission denied", str(self))
        monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(ReportReadError, match="secret.txt: cannot be read \\(permission denied\\)"):
        read_report(path)
