"""Claims across articles: one row per distinct price or rate claim, with how many
articles and sites state it, when, and where sources disagree (tests/data/claims_feed.jsonl:
one price told by three articles on two sites, two prices of one product in one year, a
rate told twice, an undated article)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from conftest import DATA

import pipeline
from pipeline.cli import main


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    folder = tmp_path_factory.mktemp("claims") / "out"
    pipeline.run(DATA / "claims_feed.jsonl", folder)
    return folder


def claim(claims, **where):
    rows = claims
    for key, value in where.items():
        rows = rows[rows[key] == value]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def test_one_claim_counts_its_articles_and_sites(out):
    claims = pipeline.load(out, claims=True)["claims"]
    kymriah = claim(claims, product="tisagenlecleucel", value=475000.0, year=2017)
    assert (kymriah["articles"], kymriah["sites"]) == (3, 2)
    assert str(kymriah["first_published"].date()) == "2017-09-01"
    assert str(kymriah["last_published"].date()) == "2017-11-30"
    assert not kymriah["disagreement"]


def test_two_prices_of_one_product_in_one_year_disagree_and_come_first(out):
    claims = pipeline.load(out, claims=True)["claims"]
    low = claim(claims, product="axicabtagene ciloleucel", value=373000.0)
    high = claim(claims, product="axicabtagene ciloleucel", value=399000.0)
    assert low["disagreement"] and high["disagreement"]
    assert claims["disagreement"].iloc[:2].all(), "disagreements are listed first"


def test_a_rate_told_twice_is_one_claim_and_other_metrics_do_not_disagree(out):
    claims = pipeline.load(out, claims=True)["claims"]
    orr = claim(claims, table="response_rates", unit="objective response", value=83.0)
    assert (orr["articles"], orr["sites"], orr["disagreement"]) == (2, 2, False)
    cr = claim(claims, table="response_rates", unit="complete remission", value=58.0)
    assert not cr["disagreement"]


def test_an_undated_claim_has_no_year_and_disagrees_with_nothing(out):
    claims = pipeline.load(out, claims=True)["claims"]
    undated = claims[(claims["product"] == "tisagenlecleucel") & claims["year"].isna()]
    assert len(undated) == 1 and not undated["disagreement"].iloc[0]


def test_summary_claims_says_where_sources_disagree(out):
    result = CliRunner().invoke(main, ["summary", str(out), "--claims"])
    assert result.exit_code == 0, result.output
    assert "2 where sources disagree" in result.output
