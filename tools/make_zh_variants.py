"""Write patterns/zh_variants.json, the traditional -> simplified character table, from
OpenCC's character dictionary (TSCharacters.txt, Apache-2.0; it ships with OpenCC and
with opencc-python-reimplemented). Only one-for-one characters are kept, so that folding
a text keeps every offset; a character that OpenCC also leaves as it is ("乾") stays.

    python tools/make_zh_variants.py path/to/TSCharacters.txt
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "patterns" / "zh_variants.json"
COMMENT = (
    "Traditional Chinese characters and the simplified ones the knowledge base writes, one "
    "character for one, so that names are matched in either script while every offset stays "
    "that of the text as stored. Made by tools/make_zh_variants.py from OpenCC's "
    "TSCharacters dictionary (Apache-2.0): the first simplified form of each character, "
    "except where OpenCC also keeps the character as it is."
)


def table(lines: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in lines:
        parts = line.rstrip("\n").split("\t")
        if len(parts) != 2 or len(parts[0]) != 1:
            continue
        trad, candidates = parts[0], parts[1].split()
        if not candidates or trad in candidates or len(candidates[0]) != 1:
            continue
        if ord(trad) > 0xFFFF or ord(candidates[0]) > 0xFFFF:
            continue  # outside the basic plane: not in news text
        out[trad] = candidates[0]
    return dict(sorted(out.items()))


def main() -> None:
    source = Path(sys.argv[1])
    data = {
        "_comment": COMMENT,
        "traditional_to_simplified": table(source.read_text(encoding="utf-8").splitlines()),
    }
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(data['traditional_to_simplified'])} characters")


if __name__ == "__main__":
    main()
