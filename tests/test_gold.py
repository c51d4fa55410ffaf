"""Seed gold: every table of every gold article scores F1 = 1.0 under the contract's rules."""

import json

import pytest
from conftest import CORPUS, GOLD

from pipeline.evaluate import TABLES, TableScore, score_article
from pipeline.read.ingest import read_file

GOLD_FILES = sorted(GOLD.glob("*.json"))


@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize("gold_file", GOLD_FILES, ids=[g.stem for g in GOLD_FILES])
def test_gold_table(gold_file, table, nlp):
    from pipeline.engine.batches import process

    gold = json.loads(gold_file.read_text(encoding="utf-8"))
    article = next(read_file(CORPUS / gold["article"], gold["article"]))
    if gold.get("published"):
        assert str(article.published) == gold["published"], "publication date found in the text"
    _, rows = process(article, nlp)
    score = TableScore()
    score_article(table, rows[table], gold.get(table, []), score, gold["article"])
    assert (score.fp, score.fn) == (0, 0), f"extra {score.extras}, missed {score.misses}"
