"""French typography, one rule: `typeset`, which the renderer applies to everything it renders in French
(pages, both parts of every e-mail, subjects) and l10n to what Babel writes.

A non-breaking space before « : ; ? ! », « $ » and « % », inside « », inside times (« 15 h 20 ») and
between the digit groups of amounts (« 45 990 $ »): added where it is missing, and any space found there
(typed in a catalogue, or Babel's) made the one non-breaking space. Tags and their attributes (inline
CSS has colons), character references (« &#39; » ends with a semicolon) and web addresses are left as
they are. Applying it twice changes nothing.

The one non-breaking space is U+00A0, the width of a word space: what the Office québécois de la langue
française asks for before « : », inside « » and in « 45 990 $ »; what CLDR puts between the digit groups
of fr_CA, so Babel and we agree; and what every mail client and font shows. U+202F, the narrow one, is
missing from the fonts older mail clients fall back on (a box, or a space that breaks).

It runs on every e-mail of an alert run, whose cards and footer are the same from one e-mail to the
next: the text is taken a line at a time (a tag written over several lines is one) and each line
typeset once, then remembered. The memory holds rendered lines of a container's recent
work only, never written anywhere; a page or e-mail with a <style> or <script> element is taken whole.
"""

from __future__ import annotations

import re

NBSP = "\u00a0"
_BOUNDARY = "\x00"  # where an untouched piece was taken out of the prose: a word ends there
# Tags (one a line ends inside too) and character references; web addresses, looked for only in a line
# that has one; <style> and <script> elements, only in a text that has one, taken whole.
_TAGS = r"<(?:!--.*?(?:-->|\Z)|[a-zA-Z/!?][^>]*(?:>|\Z))|&(?:#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);"
_UNTOUCHED = re.compile(f"({_TAGS})", re.DOTALL)
_UNTOUCHED_ALL = re.compile(
    rf"(<style\b.*?</style\s*>|<script\b.*?</script\s*>|{_TAGS}|https?://[^\s<>\"']*|www\.[^\s<>\"']+)", re.DOTALL
)
_LINE_ENDS = re.compile("\n(?![^<>]*>)")  # not those inside a tag written over several lines
_MARKS = re.compile("[:;?!«»$%]")  # where typography may have something to do, with _NUMBERS
_NUMBERS = re.compile("[0-9][ \u00a0]?h|[0-9][ \u00a0][0-9]")
_TIME = re.compile("([0-9]{1,2})[ \u00a0]?h(?:[ \u00a0]?([0-9]{2}))?(?![\\w])")
_AMOUNT = re.compile("[0-9]{1,3}(?:[ \u00a0][0-9]{3})+(?![0-9])")
_REMEMBERED: dict[str, str] = {}  # line → typeset line, for the lines e-mails of a run have in common
_REMEMBER_AT_MOST = 16384  # lines, a few megabytes; then forgotten all at once
_WORD_ENDS = frozenset(")]»,.\"'”’" + _BOUNDARY)  # what may follow punctuation that ends a word


def typeset(text: str, lang: str) -> str:
    """Québec typography for French text, plain or HTML; other languages as they are."""
    if lang != "fr":
        return text
    if "<style" in text or "<script" in text:
        return _typeset_line(text, _UNTOUCHED_ALL)
    lines = _LINE_ENDS.split(text) if "<" in text else text.split("\n")
    done = list(map(_REMEMBERED.get, lines))
    if None in done:
        if len(_REMEMBERED) >= _REMEMBER_AT_MOST:
            _REMEMBERED.clear()
        for at, line in enumerate(lines):
            if done[at] is None:
                has_address = "://" in line or "www." in line
                done[at] = _REMEMBERED[line] = _typeset_line(line, _UNTOUCHED_ALL if has_address else _UNTOUCHED)
    return "\n".join(done)  # type: ignore[arg-type]  # every line is typeset by now


def _typeset_line(text: str, untouched: re.Pattern[str]) -> str:
    if _BOUNDARY in text:
        text = text.replace(_BOUNDARY, "\ufffd")  # as a browser shows a NUL
    parts = untouched.split(text)  # prose, untouched, prose, …, prose
    prose = _BOUNDARY.join(parts[0::2])
    for space in ("\u202f", "\u2009"):  # narrow and thin: Babel writes the first in some locales
        prose = prose.replace(space, NBSP)
    for mark in ":;?!$%»":
        prose = prose.replace(" " + mark, NBSP + mark)
    prose = _typeset_numbers(_typeset_marks(prose.replace("« ", "«" + NBSP)))
    parts[0::2] = prose.split(_BOUNDARY)
    return "".join(parts)


def _typeset_marks(prose: str) -> str:
    """Punctuation, quotes and units written without their space: punctuation only where it ends a word
    (« 10:30 », « 3:1 » stay as written), units only after a number."""
    pieces, done = [], 0
    for found in _MARKS.finditer(prose):
        at, mark = found.start(), found[0]
        before = prose[at - 1] if at else ""
        after = prose[at + 1] if at + 1 < len(prose) else ""
        if mark == "«":
            needed, at = after != NBSP, at + 1
        elif mark == "»":
            needed = bool(before) and not before.isspace()
        elif mark in "$%":
            needed = before.isdigit()
        else:
            ends_a_word = not after or after.isspace() or after in _WORD_ENDS or after in ":;?!"
            needed = bool(before) and not before.isspace() and before not in "«([:;?!" and ends_a_word
        if needed:
            pieces += [prose[done:at], NBSP]
            done = at
    return "".join(pieces) + prose[done:] if pieces else prose


def _typeset_numbers(prose: str) -> str:
    """Times (« 15 h 20 ») and the digit groups of amounts (« 45 990 »)."""
    if not _NUMBERS.search(prose):
        return prose
    prose = _TIME.sub(lambda m: _alone(m, f"{m[1]}{NBSP}h{NBSP + m[2] if m[2] else ''}"), prose)
    return _AMOUNT.sub(lambda m: _alone(m, m[0].replace(" ", NBSP)), prose)


def _alone(found: re.Match[str], typeset_: str) -> str:
    """The number typeset, unless it is the end of a longer one or of a word (« A10 h », « 1.234 567 »)."""
    before = found.string[found.start() - 1] if found.start() else ""
    return found[0] if before and (before.isalnum() or before in ".,") else typeset_
