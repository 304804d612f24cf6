"""What a reader reads, whatever spaces French typography puts before « : », inside « » and in figures."""

from __future__ import annotations


def plain(text: str) -> str:
    """The text with no-break spaces (U+00A0, U+202F) read as plain spaces."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")
