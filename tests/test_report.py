"""The review page: content for the seed run, and a look at it in headless Chromium."""

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
