"""Bytes to text in any common encoding: UTF-8 (with or without a BOM), UTF-16, GB18030,
cp1252, with stray bytes kept visible instead of failing."""

from __future__ import annotations

import codecs
import re

from .. import errors

COMMON_ENCODINGS = ["utf_8", "gb18030", "cp1252"]


def decode(data: bytes) -> str:
    """Bytes to text (``decode_text`` without its warning)."""
    return decode_text(data)[0]


def decode_text(data: bytes) -> tuple[str, str | None]:
    """Bytes to text and what had to be repaired: BOMs first, then UTF-8; UTF-8 with a
    few stray bytes of another codec (one Windows-1252 quote pasted in) keeps its UTF-8
    and reads only those bytes as Windows-1252, with a warning; else charset-normalizer's
    best guess for the whole text.

    Raises ValueError with a user-facing message when the bytes are not text.
    """
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(codec, errors="replace"), None
    sample = data[:65536]
    nul = sample.count(0)
    if nul and nul > len(sample) * 0.3:
        # UTF-16 without a BOM: every other byte is NUL in mostly-ASCII text.
        for codec in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                continue
            if _looks_like_text(text):
                return text, None
        raise ValueError(
            errors.BINARY_DATA.format(detail=f"{nul} NUL bytes in the first {len(sample)}")
        )
    warning = None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="surrogateescape")
        stray = sum(1 for ch in text if "\udc80" <= ch <= "\udcff")
        if stray <= max(3, len(data) // 1000) and _has_utf8_sequences(data):
            text = _STRAY.sub(lambda m: _stray_bytes(m.group(0)), text)
            warning = errors.REPAIRED_BYTES.format(n=stray, codec="Windows-1252")
        else:
            text = _guess_decode(data)
    if not _looks_like_text(text):
        raise ValueError(errors.BINARY_DATA.format(detail="too many control characters"))
    return text, warning


# bytes that were not UTF-8, as surrogateescape holds them
_STRAY = re.compile("[\udc80-\udcff]+")


def _stray_bytes(run: str) -> str:
    return bytes(ord(ch) - 0xDC00 for ch in run).decode("cp1252", errors="replace")


def _has_utf8_sequences(data: bytes) -> bool:
    """Whether the bytes hold valid multi-byte UTF-8 (or are plain ASCII around the stray
    bytes): text written as UTF-8, not a whole file in a one-byte codec."""
    return (
        bool(re.search(rb"[\xc2-\xf4][\x80-\xbf]", data))
        or data.isascii()
        or (sum(b >= 0x80 for b in data) <= max(3, len(data) // 1000))
    )


def _guess_decode(data: bytes) -> str:
    from charset_normalizer import from_bytes

    # Short texts fool open-ended detection (Windows-1252 read as cp850), so the
    # encodings news actually comes in are tried first, then everything else.
    best = from_bytes(data, cp_isolation=COMMON_ENCODINGS).best() or from_bytes(data).best()
    if best is None:
        raise ValueError(errors.UNDECODABLE)
    return str(best)


# control characters that text does not contain, and the replacement character
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\ufffd]")


def _looks_like_text(text: str) -> bool:
    sample = text[:65536]
    if not sample:
        return True
    bad = len(_NOT_TEXT.findall(sample))
    return bad <= max(8, len(sample) * 0.05)
