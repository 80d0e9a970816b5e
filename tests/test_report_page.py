"""The report page: its structure, the visit block, and the page in headless Chromium."""

import json
import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kaocha.cli import app
from kaocha.labels import CATEGORY_LABELS
from kaocha.report_page import render_page

TARGET_OUTLINE = (0xE6, 0x95, 0x00)  # article.report:target


class Page(HTMLParser):
    """What the tests look at: index links, card ids, hidden cards, resources, marks."""

    def __init__(self, markup: str):
        super().__init__()
        self.index_links, self.cards, self.hidden_cards, self.resources = [], [], [], []
        self.marks, self.legend_codes, self.visit_cards, self.side_headers = 0, [], [], 0
        self._in = []
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self._in.append((tag, attrs))
        if tag == "a" and any(t == "tr" and "data-report" in a for t, a in self._in):
            self.index_links.append(attrs["href"])
        if tag == "article":
            self.cards.append(attrs.get("id"))
            if "hidden" in attrs:
                self.hidden_cards.append(attrs.get("id"))
        if tag == "section" and attrs.get("class") == "visit":
            self.visit_cards.append(next(a.get("id") for t, a in self._in if t == "article"))
        for name in ("src", "href"):
            if name in attrs and not attrs[name].startswith("#"):
                self.resources.append(attrs[name])
        if tag == "link":
            self.resources.append(str(attrs))
        if tag == "mark" and "ent" in attrs.get("class", "").split() and "ent-" in attrs.get("class", ""):
            self.marks += 1

    def handle_endtag(self, tag):
        while self._in:
            if self._in.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self._in and self._in[-1][0] == "td" and self._in[-1][1].get("class") == "code" and any(
                a.get("class") == "area-codes" for t, a in self._in):
            self.legend_codes.append(data)
        if self._in and self._in[-1][0] == "th" and data == "side":
            self.side_headers += 1


@pytest.fixture(scope="module")
def records(small_model):
    import kaocha
    from kaocha.api import load

    seeds = sorted(Path(__file__).resolve().parent.parent.joinpath("corpus", "seeds").glob("*.txt"))[:3]
    return [r.to_dict() for r in kaocha.extract_many(seeds, load(small_model))]


def test_index_cards_legend_and_no_outside_resources(records):
    page = Page(render_page(records))
    assert page.cards == [r["id"] for r in records]
    assert page.index_links == ["#" + r["id"] for r in records]
    assert page.legend_codes == list(CATEGORY_LABELS)
    assert page.resources == []  # one file: nothing to fetch
    assert page.marks == sum(len(r["entities"]) for r in records)
    without_visit = [{k: v for k, v in r.items() if k != "visit"} for r in records]
    assert Page(render_page(without_visit)).visit_cards == [] and Page(render_page(without_visit)).side_headers == 0
    assert page.visit_cards == [r["id"] for r in records]  # every scored record carries its visit record


def test_visit_block_and_sides_when_the_record_has_a_visit(records):
    official = records[0]["officials"][0]["name"]
    with_visit = {**records[0], "visit": {"visitor": ["北京市"], "host": ["上海市"], "start": "2023-07-12",
                                          "end": "2023-07-13", "leaders": [official], "sides": {official: "visiting"}}}
    markup = render_page([with_visit, {k: v for k, v in records[1].items() if k != "visit"}])
    page = Page(markup)
    assert page.visit_cards == [records[0]["id"]] and page.side_headers == 1
    assert "北京市 → 上海市" in markup and "2023-07-12 – 2023-07-13" in markup and "visiting: " + official in markup


def test_awkward_or_repeated_ids_get_unique_anchors(records):
    twins = [{**records[0], "id": "a b"}, {**records[1], "id": "x"}, {**records[2], "id": "x"}]
    page = Page(render_page(twins))
    assert len(set(page.cards)) == 3 and page.index_links == ["#" + card for card in page.cards]


# -- in the browser CI installs (Debian's chromium with fonts-wqy-zenhei) ----------------

def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        pytest.fail("chromium is not installed (.ci/run installs Debian's chromium and fonts-wqy-zenhei)")
    run = subprocess.run([binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                          "--hide-scrollbars", *args], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "HOME": str(tmp_path)})
    assert run.returncode == 0, run.stderr[-2000:]
    return run


def screenshot(tmp_path: Path, url: str, name: str):
    from PIL import Image

    png = tmp_path / name
    chromium(tmp_path, "--window-size=1280,900", f"--screenshot={png}", url)
    return Image.open(png).convert("RGB")


def share_of(image, test) -> float:
    pixels = image.getdata() if not hasattr(image, "get_flattened_data") else image.get_flattened_data()
    return sum(1 for p in pixels if test(p)) / (image.width * image.height)


def near(color, target, tolerance=40):
    return all(abs(a - b) <= tolerance for a, b in zip(color, target))


def test_page_in_headless_chromium(small_model, seeds_dir, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for path in sorted(seeds_dir.glob("*.txt"))[:3]:
        shutil.copy(path, folder / path.name)
    out = tmp_path / "page.html"
    result = CliRunner().invoke(app, ["score", str(folder), "--model", str(small_model), "--format", "html", "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in CliRunner().invoke(
        app, ["score", str(folder), "--model", str(small_model)]).stdout.splitlines()]

    # the DOM after the browser has run the page: every index link reaches its report's card
    dom = Page(chromium(tmp_path, "--dump-dom", out.as_uri()).stdout)
    assert dom.index_links and all(link[1:] in dom.cards for link in dom.index_links)
    assert dom.cards == [r["id"] for r in records] and dom.hidden_cards == []
    assert dom.marks == sum(len(r["entities"]) for r in records)

    # the filter box: ?q= opens the page filtered, the script hides the other reports
    only = next(o["name"] for o in records[1]["officials"]
                if not any(o["name"] in r["text"] for r in records if r is not records[1]))
    filtered = Page(chromium(tmp_path, "--dump-dom", f"{out.as_uri()}?q={only}").stdout)
    assert filtered.hidden_cards == [records[0]["id"], records[2]["id"]]

    # screenshots: the top of the page, and a fragment link to the last report, which shows its card
    top = screenshot(tmp_path, out.as_uri(), "top.png")
    target = screenshot(tmp_path, f"{out.as_uri()}#{records[-1]['id']}", "target.png")
    for image in (top, target):
        assert share_of(image, lambda p: sum(p) < 300) > 0.005  # text was drawn, the page is not blank
    assert share_of(top, lambda p: near(p, TARGET_OUTLINE)) == 0
    assert share_of(target, lambda p: near(p, TARGET_OUTLINE)) > 0.001  # the targeted card is on screen
