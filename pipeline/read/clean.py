"""Clean raw article text into the text that every offset refers to.

Pure functions: decoded text in, cleaned text out. Cleaning is conservative: it only
normalises characters and white space, and re-attaches punctuation that some scrapers
put on a line of its own, so sentences stay whole.
"""

from __future__ import annotations

import re
import unicodedata

from ..nlp.scan import HAN

# C0/C1 control characters other than tab and newline; NUL included.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff\u200b]")
# Unicode line and paragraph separators, and the carriage return.
_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85]")
_LINE_SPACE = " \t\u00a0\u3000"
# A line holding only closing punctuation belongs to the line before it. (Lines are
# stripped first, so no \\s* is needed: over a run of blank lines it was quadratic.)
_LONE_PUNCT = re.compile(r"\n\n?([.,;:!?\u3002\uff0c]+)(?=\n|$)")
_BLANK_LINES = re.compile(r"\n{3,}")
_INNER_SPACES = re.compile(r"[ \t\u00a0\u3000]{2,}")
# A reading in pinyin printed after a Chinese character, as some pages render ruby text
# inline: 醫(yī)院, 萬(wàn). Only a single syllable with a tone mark counts, so that a
# bracketed word (CAR-T (ai)) or an English gloss stays.
_TONE = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_TONED = re.compile(f"[{_TONE}]")
_RUBY = re.compile(
    rf"(?<=[\u3400-\u4dbf\u4e00-\u9fff])[(（](?=[a-zü{_TONE}]*[{_TONE}])[a-zü{_TONE}]{{1,6}}[)）]"
)


def clean_text(raw: str) -> str:
    """Normalise characters (NFC), newlines and white space, and drop readings in
    pinyin printed after Chinese characters (ruby text); keep words and order.

    Each step first asks whether it has anything to do (``in`` is a fast scan), because
    most articles need few of them and every regex pass costs tens of microseconds.

    >>> clean_text("Price rose\\n    .\\n\\n\\n\\nNext  line ")
    'Price rose.\\n\\nNext line'
    >>> clean_text("北京電力醫(yī)院，每針百萬(wàn)元（約）")
    '北京電力醫院，每針百萬元（約）'
    """
    text = unicodedata.normalize("NFC", raw)
    if any(ch in text for ch in "\r\u2028\u2029\x85"):
        text = _NEWLINES.sub("\n", text)
    text = _CONTROL.sub("", text)
    if _TONED.search(text):
        text = _RUBY.sub("", text)
    # no blanks at either end of a line
    text = "\n".join(line.strip(_LINE_SPACE) for line in text.split("\n"))
    text = _LONE_PUNCT.sub(r"\1", text)
    if "  " in text or any(ch in text for ch in _LINE_SPACE[1:]):
        text = _INNER_SPACES.sub(" ", text)
    if "\n\n\n" in text:
        text = _BLANK_LINES.sub("\n\n", text)
    if "\n" in text and HAN.search(text):
        text = _join_chinese_wraps(text)
    return text.strip()


# A line break inside a Chinese sentence, where a hard-wrapped text (a PDF, a fixed-width
# export) breaks a line: between two Chinese characters or digits, after a line at least
# WRAPPED_CHINESE characters long that ends in no punctuation. Chinese writes no space
# between words, so the break is dropped ("瑞金\n医院" is 瑞金医院); a shorter line is a
# title or a label, and a line ending in punctuation ends its sentence or clause.
WRAPPED_CHINESE = 28
_CHINESE_WRAP = re.compile(rf"(?:(?<={HAN.pattern})|(?<=[0-9%]))\n(?={HAN.pattern}|[0-9])")


def _join_chinese_wraps(text: str) -> str:
    """``text`` with the line breaks of hard-wrapped Chinese sentences dropped.

    >>> _join_chinese_wraps("该院血液科团队于上月为一名复发难治的患者在上海交通大学医学院附属瑞金\\n医院完成首例治疗。")
    '该院血液科团队于上月为一名复发难治的患者在上海交通大学医学院附属瑞金医院完成首例治疗。'
    >>> _join_chinese_wraps("百万元抗癌针纳入惠民保\\n记者走访两家医院")  # (a title)
    '百万元抗癌针纳入惠民保\\n记者走访两家医院'
    """
    parts: list[str] = []
    last = 0
    # a line joined to the one before it is measured from where that one starts, without
    # the breaks dropped, as a second cleaning would measure it (cleaning is idempotent)
    joined: dict[int, tuple[int, int]] = {}  # a dropped break -> (its line's start, breaks)
    for m in _CHINESE_WRAP.finditer(text):
        before = text.rfind("\n", 0, m.start())
        line_start, dropped = joined.get(before, (before + 1, 0))
        if m.start() - line_start - dropped >= WRAPPED_CHINESE:
            joined[m.start()] = (line_start, dropped + 1)
            parts.append(text[last : m.start()])
            last = m.end()
    if not parts:
        return text
    parts.append(text[last:])
    return "".join(parts)
