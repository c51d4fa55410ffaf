"""Write patterns/pinyin.json, the reading of each common Chinese character, from
pypinyin (MIT): the characters of GB 2312 (the 6,763 in everyday simplified text), each
with the reading pypinyin gives it alone, tone marks dropped, and the readings that names
and places take where a character has several (长 in 长海 and 长沙 is chang).

The product does not import pypinyin: its dictionaries cost 56 MB in every worker, for
the few characters a name needs.

    pip install pypinyin && python tools/make_pinyin.py
"""

from __future__ import annotations

import json
from pathlib import Path

from pypinyin import lazy_pinyin  # type: ignore[import-not-found]

OUT = Path(__file__).resolve().parent.parent / "patterns" / "pinyin.json"
# readings in names and places where the everyday one differs
NAME_READINGS = {
    "长": "chang",
    "重": "chong",
    "厦": "xia",
    "都": "du",
    "藏": "zang",
    "六": "lu",
    "蚌": "beng",
    "单": "shan",
    "曾": "zeng",
    "沈": "shen",
    "乐": "le",
    "行": "xing",
    "广": "guang",
}
COMMENT = (
    "The reading of each common Chinese character (GB 2312), without tones, for names "
    "built from Chinese text (a hospital's English name, a generic name's sound). Made "
    "by tools/make_pinyin.py from pypinyin (MIT), with the readings names and places take."
)


def characters() -> list[str]:
    out = []
    for high in range(0xB0, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                out.append(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return out


def main() -> None:
    readings = {}
    for char in characters():
        reading = lazy_pinyin(char)[0]
        if reading.isascii() and reading.isalpha():
            readings[char] = reading
    readings.update(NAME_READINGS)
    data = {"_comment": COMMENT, "readings": dict(sorted(readings.items()))}
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(readings)} characters")


if __name__ == "__main__":
    main()
