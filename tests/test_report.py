"""The review page: content for the seed run, and a look at it in headless Chromium."""

import re
import shutil
import subprocess

import pytest
from click.testing import CliRunner
from conftest import CORPUS

import pipeline
from pipeline.cli import main
from pipeline.report import write_report


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    root = tmp_path_factory.mktemp("report")
    pipeline.run(CORPUS, root / "out")
    result = CliRunner().invoke(
        main, ["report", str(root / "out"), "--html", str(root / "review" / "index.html")]
    )
    assert result.exit_code == 0, result.output
    return root / "review" / "index.html"


def every_page(index):
    return "".join(p.read_text(encoding="utf-8") for p in sorted(index.parent.glob("*.html")))


@pytest.mark.parametrize(
    "expected",
    [
        "Akilunza",  # evidence text
        "PRODUCT: axicabtagene ciloleucel",  # normalised value beside it
        "1,200,000 CNY per bag [price]",
        "RATE: 44% progression-free survival",
        "HOSPITAL: Shenyang Sixth People's Hospital, Shenyang",
        "COMPANY: JW Therapeutics",
        "DATE: XXXX-06",
        "money.suffixed",  # the rule
        "<svg",  # a chart, inline
        "applyFilters",  # the filters
        "id='f-product'",
    ],
)
def test_page_content(page, expected):
    assert expected in every_page(page)


def test_page_is_self_contained(page):
    text = every_page(page)
    assert 'src="http' not in text and "src='http" not in text  # no remote image or script
    assert "<script src=" not in text and "<link " not in text and "@import" not in text
    assert "url(http" not in text


def test_render_returns_highlighted_html():
    markup = pipeline.render("Akilunza injection costs 1.2 million yuan per bag.")
    assert "PRODUCT: axicabtagene ciloleucel" in markup and "PRICE: 1,200,000 CNY" in markup
    assert markup._repr_html_() == str(markup)  # a notebook shows it once, as HTML


def test_overlapping_facts_are_all_drawn():
    from pipeline.report import article_html

    text = "Treated at Ruijin Hospital in June 2021."
    hospital = {"start": 11, "end": 26, "rule": "hospital.name", "hospital": "Ruijin Hospital"}
    company = {"start": 11, "end": 17, "rule": "company.alias", "company": "Ruijin Bio"}
    markup = article_html(text, [("hospitals", hospital), ("companies", company)])
    assert "HOSPITAL: Ruijin Hospital" in markup and "COMPANY: Ruijin Bio" in markup


@pytest.mark.parametrize(
    "expected",
    [
        "Coverage",
        "articles with a publication date",
        "Prices per product",
        "Distinct facts",
        "sortBy",
        "index-articles-0001.html#a-",
        "did not resolve",
    ],
)
def test_index_content(page, expected):
    assert expected in page.read_text(encoding="utf-8")


@pytest.mark.slow
def test_pages_stay_small_as_the_archive_grows(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "bench", CORPUS.parent / "benchmarks" / "bench.py"
    )
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    bench.make_corpus(CORPUS, tmp_path / "in", 250)
    pipeline.run(tmp_path / "in", tmp_path / "out")
    index = write_report(tmp_path / "out", per_page=50)
    pages = sorted(index.parent.glob("index-articles-*.html"))
    assert len(pages) == 5
    biggest = max(p.stat().st_size for p in pages)
    assert biggest < 3_000_000, biggest  # 50 articles of about 20 KB of highlighted text
    limited = write_report(tmp_path / "out", tmp_path / "small" / "index.html", limit=30)
    assert len(list(limited.parent.glob("index-articles-*.html"))) == 1


def test_labels_from_rules_are_escaped():
    from pipeline.report import article_html

    price = {"start": 9, "end": 12, "rule": "<img src=x onerror=alert(1)>", "amount": 1e6}
    price.update(currency="USD", kind="price", amount_high=None, per=None, product=None)
    markup = article_html("It costs $1m.", [("prices", price)])
    assert "<img" not in markup and "&lt;img" in markup


def test_chinese_article_is_drawn():
    markup = pipeline.render("复星凯特的阿基仑赛注射液定价120万元。")
    assert "PRODUCT: axicabtagene ciloleucel" in markup and "120万元" in markup


def headless(tmp_path, *args):
    """Run headless Chromium (skip the test without it) with ``args``; its stdout."""
    browser = (
        shutil.which("chromium")
        or shutil.which("chromium-browser")
        or shutil.which("google-chrome")
    )
    if browser is None:
        pytest.skip("Chromium is not installed (.ci/run installs Debian's chromium package)")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
    flags += ["--disable-component-update", "--no-first-run", f"--user-data-dir={tmp_path / 'p'}"]
    done = subprocess.run(
        [browser, *flags, *args], check=True, capture_output=True, text=True, timeout=120
    )
    return done.stdout


def test_page_in_headless_chromium(page, tmp_path):
    shot = tmp_path / "page.png"
    headless(tmp_path, "--window-size=1200,2000", f"--screenshot={shot}", page.as_uri())
    assert shot.exists() and shot.stat().st_size > 10_000, "a rendered page, not a blank one"


def test_filters_work_in_headless_chromium(page, tmp_path):
    articles = sorted(page.parent.glob("index-articles-*.html"))[0]
    probe = tmp_path / "probe.html"
    probe.write_text(
        articles.read_text(encoding="utf-8").replace(
            "</body>",
            "<script>document.getElementById('f-text').value='shenyang';applyFilters();"
            "document.title='shown:'+document.getElementById('shown').textContent+':of:'"
            "+document.querySelectorAll('section.article').length;</script></body>",
        ),
        encoding="utf-8",
    )
    dom = headless(tmp_path, "--dump-dom", probe.as_uri())
    shown, total = map(int, dom.split("<title>shown:", 1)[1].split("</title>")[0].split(":of:"))
    assert 0 < shown < total  # the search kept the articles naming Shenyang, hid the others


# In the page: every label's box against every other label's and every word's (text
# nodes outside labels, one box per line they take), and whether a Chinese character is
# drawn with a font that has it (its pixels differ from a private-use character's, which
# no font draws: the empty box); the answers go into the title.
_LAYOUT_PROBE = """<script>
const boxes = el => Array.from(el.getClientRects());
const cross = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5
  && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
const labels = Array.from(document.querySelectorAll('.lab'));
const words = [];
for (const text of document.querySelectorAll('.text')) {
  const walk = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) {
    const node = walk.currentNode;
    if (!node.textContent.trim() || node.parentElement.closest('.lab')) continue;
    const range = document.createRange(); range.selectNodeContents(node);
    words.push(...range.getClientRects());
  }
}
let overlaps = 0;
labels.forEach((label, i) => boxes(label).forEach(box => {
  overlaps += words.filter(w => cross(box, w)).length;
  labels.slice(i + 1).forEach(other => boxes(other).forEach(o => { if (cross(box, o)) overlaps++; }));
}));
const drawn = ch => { const c = document.createElement('canvas'); c.width = c.height = 40;
  const g = c.getContext('2d');
  g.font = '32px ' + getComputedStyle(document.querySelector('.text') || document.body).fontFamily;
  g.fillText(ch, 2, 34); return Array.from(g.getImageData(0, 0, 40, 40).data).join(','); };
const cjk = drawn('\\u6CBB') !== drawn('\\uE000') && drawn('\\u6CBB') !== drawn('\\u6D77');
document.title = 'labels:' + labels.length + ':words:' + words.length + ':overlaps:' + overlaps
  + ':cjk:' + cjk;
</script></body>"""


def layout(page_file, tmp_path):
    """(labels, text boxes, overlaps, CJK drawn) of an article page in headless Chromium."""
    probe = tmp_path / f"probe-{page_file.name}"
    html = page_file.read_text(encoding="utf-8").replace("</body>", _LAYOUT_PROBE)
    probe.write_text(html, encoding="utf-8")
    dom = headless(tmp_path, "--window-size=1300,4000", "--dump-dom", probe.as_uri())
    fields = dom.split("<title>labels:", 1)[1].split("</title>")[0].split(":")
    return int(fields[0]), int(fields[2]), int(fields[4]), fields[6] == "true"


def test_labels_never_cover_text_in_headless_chromium(page, tmp_path):
    for articles in sorted(page.parent.glob("index-articles-*.html")):
        labels, words, overlaps, _ = layout(articles, tmp_path)
        assert labels > 20 and words > labels, (labels, words)
        assert overlaps == 0, f"{overlaps} label boxes overlap text or labels in {articles.name}"


def test_chinese_text_is_drawn_with_a_real_font(page, tmp_path):
    if not (
        shutil.which("fc-list")
        and subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout.strip()
    ):
        pytest.skip("no font with Chinese glyphs (.ci/run installs fonts-wqy-microhei)")
    chinese = next(
        p
        for p in sorted(page.parent.glob("index-articles-*.html"))
        if "lang='zh'" in p.read_text(encoding="utf-8")
    )
    assert layout(chinese, tmp_path)[3], "Chinese characters drawn as empty boxes"


def test_every_distinct_fact_is_on_a_facts_page(tmp_path, monkeypatch):
    import pipeline.report as report
    from pipeline.views import distinct

    monkeypatch.setattr(report, "FACT_ROWS", 20)
    pipeline.run(CORPUS, tmp_path / "out")
    index = write_report(tmp_path / "out", tmp_path / "review" / "index.html")
    pages = sorted(index.parent.glob("index-facts-*.html"))
    facts = distinct(pipeline.load(tmp_path / "out"))
    total = sum(len(facts[t]) for t in report.LABELS)
    assert len(pages) == -(-total // 20) > 1
    rows = [p.read_text(encoding="utf-8").count("<tr class='item'") for p in pages]
    assert sum(rows) == total and max(rows) == 20
    assert all(p.name in index.read_text(encoding="utf-8") for p in pages)


def test_pages_show_no_nan_nor_markdown_quotes(page):
    # a missing value is an empty cell, and a page is HTML, not Markdown
    text = re.sub(r"(?s)<script>.*?</script>", "", every_page(page))
    assert ">nan<" not in text and ">NaN<" not in text and ">NaT<" not in text
    assert "`" not in text and "None</td>" not in text


@pytest.mark.parametrize("title", [None, float("nan"), ""])
def test_an_article_without_a_title_is_named_by_its_source(title):
    from pipeline.report import article_name

    assert article_name({"title": title, "source": "news/a.txt"}) == "news/a.txt"
    assert article_name({"title": "A title", "source": "news/a.txt"}) == "A title"


def test_charts_draw_every_point_with_a_legend_and_say_when_empty():
    from pipeline.svg import dots, scatter

    chart = scatter({"a": [(2020, 1.0), (2021, 2.0)], "b": [(2022, 3.0)]}, "t", "x", "y")
    assert chart.count("<circle") == 3 + 2  # the points, and a legend mark per series
    assert ">a</text>" in chart and ">b</text>" in chart and ">2021</text>" in chart
    assert "nothing here" in scatter({}, "t", "x", "y", empty="nothing here")
    rows = [("cr (2)", [40.0, 60.0], [0.1, -0.1], 50.0)]
    drawn = dots(rows, "t", "percent")
    assert drawn.count("<circle") == 2 and drawn.count("<line") == 1  # the median bar
    assert drawn == dots(rows, "t", "percent")  # deterministic
