"""The one reader of the rules: an edited copy of patterns/ reaches every stage in the same
process, ingest included, and a re-run into an existing --out reflects it."""

import shutil
from pathlib import Path

import pytest
import spacy
from conftest import params
from spacy import displacy

import pipeline
from pipeline.build import build_nlp, check_rules
from pipeline.rules import default_patterns_dir, load_patterns


def edited_copy(case, tmp_path: Path) -> Path:
    root = tmp_path / "patterns"
    shutil.copytree(default_patterns_dir(), root)
    target = root / case["file"]
    old, new = case["replace"]
    text = target.read_text(encoding="utf-8")
    assert old in text, "the case no longer matches the file"
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return root


def value(rows, case):
    found = [r[case["column"]] for r in rows[case["table"]]]
    # a loaded date is a Timestamp, an extracted one a date: compare the day
    found = [
        None if v is None or v != v else str(v)[:10] if hasattr(v, "date") else str(v)
        for v in found
    ]
    return found[0] if found and found[0] is not None else None


@pytest.mark.parametrize("case", params("rule_edits.jsonl"))
def test_an_edit_reaches_its_stage_in_the_same_process(case, tmp_path):
    assert value(pipeline.extract(case["text"]), case) == case["before"]
    root = edited_copy(case, tmp_path)
    assert value(pipeline.extract(case["text"], patterns=root), case) == case["after"]
    # the same folder edited back: the same process serves the old rules again
    shutil.rmtree(root)
    shutil.copytree(default_patterns_dir(), root)
    assert value(pipeline.extract(case["text"], patterns=root), case) == case["before"]


@pytest.mark.parametrize("case", params("rule_edits.jsonl"))
def test_a_rerun_with_edited_rules_extracts_again(case, tmp_path):
    articles = tmp_path / "in"
    articles.mkdir()
    (articles / "a.txt").write_text(case["text"], encoding="utf-8")
    (articles / "b.txt").write_text("The committee met for a long time.", encoding="utf-8")
    out = tmp_path / "out"
    pipeline.run(articles, out)
    root = edited_copy(case, tmp_path)
    report = pipeline.run(articles, out, patterns=root)
    assert report.reextracted == 2 and report.skipped == 0
    tables = pipeline.load(out)
    assert len(tables["articles"]) == 2 and tables["articles"]["article_id"].is_unique
    assert set(tables["articles"]["rules"]) == {check_rules(root).digest}
    rows = {t: df.to_dict("records") for t, df in tables.items()}
    assert value(rows, case) == case["after"]
    # the input gone: the stored texts are extracted again with the packaged rules
    shutil.rmtree(articles)
    articles.mkdir()
    report = pipeline.run(articles, out)
    assert report.reextracted == 2
    rows = {t: df.to_dict("records") for t, df in pipeline.load(out).items()}
    if case["table"] != "articles":  # a publication date read at ingest stays as stored
        assert value(rows, case) == case["before"]
    assert len(rows["articles"]) == 2


def test_rules_are_cached_by_content(tmp_path):
    root = tmp_path / "patterns"
    shutil.copytree(default_patterns_dir(), root)
    first = load_patterns(root)
    assert load_patterns(root) is first
    (root / "qualifiers.json").write_text(
        (root / "qualifiers.json").read_text(encoding="utf-8").replace("{", "{ ", 1),
        encoding="utf-8",
    )
    assert load_patterns(root).digest != first.digest


SEED = "Akilunsai injection costs 1.2 million yuan per bag at Ruijin Hospital in June 2021."


def test_facts_are_spans_that_displacy_renders():
    nlp = build_nlp()
    doc = nlp(SEED)
    spans = {(s.label_, s.text, s.id_, s.kb_id_) for s in doc.spans["cartfacts"]}
    assert ("products", "Akilunsai", "product.ctx.injection", "axicabtagene ciloleucel") in spans
    assert (
        "hospitals",
        "Ruijin Hospital",
        "hospital.name",
        "Ruijin Hospital, Shanghai Jiao Tong University School of Medicine",
    ) in spans
    price = next(s for s in doc.spans["cartfacts"] if s.label_ == "prices")
    assert price._.cartfacts["amount"] == 1200000.0 and price.id_ == "money.suffixed"
    html = displacy.render(doc, style="span", options={"spans_key": "cartfacts"})
    assert "Ruijin Hospital" in html and "prices" in html


ZH_SEED = (
    "2023年6月，复星凯特的阿基仑赛注射液在上海瑞金医院开出处方，每针定价120万元，完全缓解率为51%。"
)


@pytest.mark.parametrize("lang, text", [("en", SEED), ("zh", ZH_SEED)])
def test_a_saved_pipeline_loads_and_extracts_the_same(tmp_path, lang, text):
    nlp = build_nlp(lang=lang)
    nlp.to_disk(tmp_path / "nlp")
    loaded = spacy.load(tmp_path / "nlp")
    assert type(loaded.tokenizer) is type(nlp.tokenizer)

    def facts(n):
        doc = n(text)
        return sorted((s.label_, s.start_char, s.end_char, s.id_) for s in doc.spans["cartfacts"])

    assert len(facts(nlp)) >= 4 and facts(loaded) == facts(nlp)
    # the rules travel inside the folder
    assert (tmp_path / "nlp" / "cartfacts_prices" / "money.json").is_file()
