"""The library API in a fresh process, and the tables."""

import json
import subprocess
import sys

import pytest

import kaocha
from kaocha.api import ModelNotFound, load

from conftest import ROOT


def test_extract_in_a_fresh_process_returns_officials_with_posts(small_model, seeds_dir):
    seed = sorted(seeds_dir.glob("*.txt"))[0]
    code = ("import json, kaocha; r = kaocha.extract(open(%r, encoding='utf-8').read(), kaocha.load(%r)); "
            "print(json.dumps([[o.name, [p.text for p in o.posts]] for o in r.officials], ensure_ascii=False))"
            % (str(seed), str(small_model)))
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr[-2000:]
    officials = json.loads(run.stdout)
    assert any(posts for _, posts in officials), officials


def test_to_dataframes_has_one_row_per_official_per_report_with_its_side(small_model, seeds_dir):
    nlp = load(small_model)
    reports = [kaocha.extract(p.read_text(encoding="utf-8"), nlp, report_id=p.stem) for p in sorted(seeds_dir.glob("*.txt"))[:2]]
    tables = kaocha.to_dataframes(reports)
    assert set(tables) == {"entities", "officials", "venues", "areas", "visits", "people"}
    assert len(tables["entities"]) == sum(len(r.entities) for r in reports)
    assert len(tables["officials"]) == sum(len(r.officials) for r in reports)
    assert len(tables["visits"]) == len(reports)
    for report in reports:
        assert set(report.visit) == {"visitor", "host", "start", "end", "leaders", "sides"}
        assert set(report.visit["sides"]) == {o.name for o in report.officials}
        rows = tables["officials"][tables["officials"]["report"] == report.id]
        assert dict(zip(rows["name"], rows["side"])) == report.visit["sides"]
    assert set(tables["entities"]["report"]) <= {r.id for r in reports}


def test_missing_model_says_how_to_train_one(tmp_path):
    with pytest.raises(ModelNotFound, match="python -m training.train"):
        load(tmp_path / "nothing-here")


def test_extract_file_detects_the_encoding_and_keeps_id_hash_and_metadata(small_model, seeds_dir, tmp_path):
    from kaocha.corpus import sha256_bytes

    seed = sorted(seeds_dir.glob("*.txt"))[0]
    path = tmp_path / "r9.txt"
    path.write_bytes(seed.read_text(encoding="utf-8").encode("gb18030"))
    (tmp_path / "index.tsv").write_text("file\ttitle\tdate\nr9.txt\t某某代表团考察\t2023-07-14\n", encoding="utf-8")
    report = kaocha.extract_file(path, nlp=load(small_model))
    assert report.id == "r9" and report.source == str(path)
    assert report.sha256 == sha256_bytes(path.read_bytes())
    assert report.meta == {"title": "某某代表团考察", "date": "2023-07-14"}
    assert report.entities == kaocha.extract(seed.read_text(encoding="utf-8"), load(small_model)).entities


def test_extract_file_refuses_unreadable_and_blank_files(small_model, tmp_path):
    from kaocha.reading import ReportReadError

    nlp = load(small_model)
    blank = tmp_path / "blank.txt"
    blank.write_text("\u3000 \n\u3000\u3000\n", encoding="utf-8")
    with pytest.raises(ReportReadError, match="blank.txt: no text left"):
        kaocha.extract_file(blank, nlp=nlp)
    with pytest.raises(ReportReadError, match="missing.txt"):
        kaocha.extract_file(tmp_path / "missing.txt", nlp=nlp)


def test_extract_many_keeps_ids_and_order_for_pairs_and_paths(small_model, seeds_dir):
    nlp = load(small_model)
    paths = sorted(seeds_dir.glob("*.txt"))[:3]
    items = [("first", paths[0].read_text(encoding="utf-8")), paths[1], ("third", paths[2])]
    reports = list(kaocha.extract_many(items, nlp, batch_size=2))
    assert [r.id for r in reports] == ["first", paths[1].stem, "third"]
    assert reports[1].source == str(paths[1]) and reports[2].sha256 is not None
    assert reports[0].entities == kaocha.extract(paths[0].read_text(encoding="utf-8"), nlp).entities
    parallel = list(kaocha.extract_many(items, nlp, batch_size=1, n_process=2))
    assert [r.to_dict() for r in parallel] == [r.to_dict() for r in reports]


@pytest.mark.parametrize("options", [{"batch_size": 0}, {"batch_size": -3}, {"n_process": 0}])
def test_extract_many_refuses_counts_below_one(options):
    with pytest.raises(ValueError, match="at least 1"):
        list(kaocha.extract_many(["北京市党政代表团赴上海学习考察。"], object(), **options))


def test_records_read_back_from_jsonl_and_short_repr(small_model, seeds_dir, tmp_path):
    nlp = load(small_model)
    reports = list(kaocha.extract_many(sorted(seeds_dir.glob("*.txt"))[:2], nlp))
    path = tmp_path / "out.jsonl"
    path.write_text("".join(json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in reports), encoding="utf-8")
    back = list(kaocha.read_records(path))
    assert back == reports
    assert kaocha.Report.from_dict(reports[0].to_dict()) == reports[0]
    assert len(repr(reports[0])) < 200 and reports[0].id in repr(reports[0])
    assert len(reports[0].text) > 1000  # so the repr is short because it leaves the text out
    with_visit = {**reports[0].to_dict(), "visit": {"visitor": ["北京市"]}}
    assert kaocha.Report.from_dict(with_visit).visit == {"visitor": ["北京市"]}
    path.write_text(path.read_text(encoding="utf-8") + '{"id": "x"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"out.jsonl:3: .*lacks text"):
        list(kaocha.read_records(path))


def test_area_share_and_count_in_the_tables(small_model, seeds_dir):
    nlp = load(small_model)
    report = kaocha.extract_file(sorted(seeds_dir.glob("*.txt"))[0], nlp=nlp)
    areas = kaocha.to_dataframes([report])["areas"]
    assert list(areas.columns) == ["report", "area", "count", "share", "score", "sentences"]
    assert len(areas) == len(report.areas) > 0
    for row, area in zip(areas.itertuples(), report.areas):
        assert row.count == len(row.sentences.split(",")) == area.count
        assert row.share == pytest.approx(row.count / len(report.sentences), abs=1e-4)
