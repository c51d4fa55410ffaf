"""The language of an article, from its characters: Chinese or English.

A Chinese character carries about as much as three English letters (a translation
into English has some 0.6 words of five letters for each character), so an article is
Chinese when its Chinese characters outweigh its Latin letters by that measure. An English article quoting Chinese names in brackets stays English; a Chinese
article with English drug names and codes stays Chinese.
"""

from __future__ import annotations

import re

# CJK unified ideographs (with extension A and the compatibility block)
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
# English letters that say as much as one Chinese character
LETTERS_PER_CHARACTER = 3
# enough of a text to tell (the main text of long articles)
SAMPLE = 20_000

LANGUAGES = ("en", "zh")


def detect(text: str) -> str:
    """``"zh"`` or ``"en"`` (also for a text with neither script).

    >>> detect("CAR-T 疗法奕凯达(Yescarta)售价129万元。"), detect("Yescarta (奕凯达) costs $373,000.")
    ('zh', 'en')
    """
    sample = text[:SAMPLE]
    han = len(_HAN.findall(sample))
    if not han:
        return "en"
    latin = len(_LATIN.findall(sample))
    return "zh" if han * LETTERS_PER_CHARACTER > latin else "en"
