"""Regenerate patterns/products.jsonl from the shared CAR-T reference sheet.

Maintenance tool, never run by the pipeline: the installed product reads only its own
patterns/. Usage: python tools/build_kb.py ../shared/reference/car-t-products.json

Kept from the reference: INN, INN aliases, brands, codes, Chinese generic and brand names
with pinyin, target, known prices, the ids of the companies (patterns/companies.jsonl,
curated by hand), the names of each product's trials (TRIALS) and names found since
(EXTRA). Left out on purpose: `seen_spellings` and the mistranslated company variants,
which the transliteration mechanism must resolve without being told.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

# Which companies (ids in patterns/companies.jsonl) stand behind each product; the
# reference's free-text `company` field is not machine-readable.
COMPANIES = {
    "tisagenlecleucel": ["novartis"],
    "axicabtagene ciloleucel": ["fosun_kite", "kite", "gilead", "fosun_pharma"],
    "brexucabtagene autoleucel": ["kite", "gilead", "fosun_kite"],
    "lisocabtagene maraleucel": ["bms", "juno"],
    "idecabtagene vicleucel": ["bms", "2seventy", "bluebird", "celgene"],
    "ciltacabtagene autoleucel": ["legend", "janssen", "jnj", "genscript"],
    "obecabtagene autoleucel": ["autolus"],
    "relmacabtagene autoleucel": ["jw", "juno"],
    "equecabtagene autoleucel": ["iaso", "innovent"],
    "inaticabtagene autoleucel": ["juventas", "casi"],
    "zevorcabtagene autoleucel": ["carsgen", "kaixing", "huadong"],
    "satricabtagene autoleucel": ["carsgen", "kaixing"],
    "pu-ji-ao-lun-sai": ["chongqing_precision"],
    "lei-ni-ji-ao-lun-sai": [],
    "talicabtagene autoleucel": ["immunoact", "laurus"],
    "varnimcabtagene autoleucel": ["clinic_barcelona", "immuneel"],
    "anbalcabtagene autoleucel": ["curocell"],
    "ARI0002h": ["clinic_barcelona"],
    "anitocabtagene autoleucel": ["arcellx", "kite", "gilead"],
}

# The clinical trials of each product by the names news cites (public registries and
# the products' labels); not in the reference. A name with a number is that study only
# (ZUMA is both Kite products' series), one without is every study of the series.
TRIALS = {
    "tisagenlecleucel": ["JULIET", "ELIANA", "ELARA", "BELINDA", "ENSIGN"],
    "axicabtagene ciloleucel": ["ZUMA-1", "ZUMA-5", "ZUMA-7", "ZUMA-12"],
    "brexucabtagene autoleucel": ["ZUMA-2", "ZUMA-3"],
    "lisocabtagene maraleucel": ["TRANSCEND", "TRANSFORM"],
    "idecabtagene vicleucel": ["KarMMa"],
    "ciltacabtagene autoleucel": ["CARTITUDE", "CARTIFAN"],
    "obecabtagene autoleucel": ["FELIX"],
    "equecabtagene autoleucel": ["FUMANBA"],
    "zevorcabtagene autoleucel": ["LUMMICAR"],
    "anitocabtagene autoleucel": ["iMMagine"],
}

# Names the reference lacks, found on public pages since (Korea approved anbal-cel as
# Limcato; CRC01 is its development code)
EXTRA = {
    "anbalcabtagene autoleucel": {"brands": ["Limcato"], "codes": ["CRC01"]},
}


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def main(reference: Path, out: Path) -> None:
    lines = []
    for p in json.loads(reference.read_text(encoding="utf-8")):
        key = p["inn"] or p["chinese_generic_pinyin"] or p["abbreviations"][0]
        record = {
            "id": "product." + slug(key),
            "inn": p["inn"],
            "inn_aliases": p["inn_aliases"],
            "brands": p["brands"] + EXTRA.get(key, {}).get("brands", []),
            "codes": p["abbreviations"] + EXTRA.get(key, {}).get("codes", []),
            "chinese": p["chinese_generic"],
            "pinyin": p["chinese_generic_pinyin"],
            "chinese_brand": p["chinese_brand"],
            "brand_pinyin": p["chinese_brand_pinyin"],
            "companies": ["company." + c for c in COMPANIES[key]],
            "target": p["target"],
            "status": p["status"],
            "prices": [
                {
                    k: v
                    for k, v in price.items()
                    if k in ("amount", "amount_high", "currency", "year")
                }
                for price in p["prices"]
            ],
        }
        if key in TRIALS:
            record["trials"] = TRIALS[key]
        lines.append(json.dumps(record, ensure_ascii=False))
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(__file__).resolve().parent.parent / "patterns" / "products.jsonl")
