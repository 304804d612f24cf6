"""How keywords meet tender text: accents, case, plurals, both languages, phrases."""

from __future__ import annotations

from pathlib import Path

import snowballstemmer  # type: ignore[import-untyped]

from esja.matching.text import compile_keyword, field_text, normalise_name, tokens
from esja.matching.unspsc import normalise_unspsc


def found(keyword: str, *texts: str) -> bool:
    compiled = compile_keyword(keyword)
    assert compiled is not None
    return compiled.found_in(field_text("title", list(texts)))


def test_accents_case_and_apostrophes_are_folded() -> None:
    assert tokens("L’ÉCOLE Saint-Jérôme, œuvre") == ["l", "ecole", "saint", "jerome", "oeuvre"]


def test_french_plural_matches_singular_keyword() -> None:
    assert found("entretien ménager", "Entretiens ménagers des bureaux")


def test_english_inflections_match() -> None:
    assert found("cleaning", "Office cleaned weekly")


def test_phrase_words_must_follow_each_other() -> None:
    assert not found("entretien ménager", "Entretien des appareils ménagers")


def test_stop_words_inside_a_phrase_do_not_matter() -> None:
    assert found("nettoyage de vitres", "Nettoyage des vitres extérieures")


def test_phrase_never_spans_the_french_and_english_titles() -> None:
    assert not found("ménager cleaning", "Entretien ménager", "Cleaning services")


def test_keyword_of_stop_words_only_is_ignored() -> None:
    assert compile_keyword("de la") is None


def test_quotes_around_a_phrase_are_optional() -> None:
    assert compile_keyword('"entretien ménager"') == compile_keyword("entretien ménager")


def test_buyer_names_compare_without_case_or_accents() -> None:
    assert normalise_name("Ville de LÉVIS") == normalise_name("ville de levis")


def test_unspsc_trailing_zero_pairs_give_the_level() -> None:
    assert [normalise_unspsc(c) for c in ("72000000", "76110000", "76111500", "76111501", "7611")] == [
        "72",
        "7611",
        "761115",
        "76111501",
        "7611",
    ]


def test_malformed_unspsc_codes_are_refused() -> None:
    assert [normalise_unspsc(c) for c in ("7611x", "7611150", "", "00000000")] == [None, None, None, None]


def test_the_c_stemmers_give_the_pure_python_stems_on_real_notice_words(shared_data: Path) -> None:
    # snowballstemmer hands out PyStemmer's C stemmers when PyStemmer is installed (the layer ships both):
    # the same Snowball algorithms, which must give the same stems on what publishers write.
    from snowballstemmer.english_stemmer import EnglishStemmer  # type: ignore[import-untyped]
    from snowballstemmer.french_stemmer import FrenchStemmer  # type: ignore[import-untyped]

    assert snowballstemmer.stemmer("french").__class__.__module__ == "Stemmer"
    files = [*sorted((shared_data / "unspsc").glob("*.csv")), *sorted((shared_data / "seao").glob("*.json"))]
    words = sorted({t for path in files for t in tokens(path.read_text(encoding="utf-8"))})
    assert len(words) > 10_000
    for language, pure in (("french", FrenchStemmer()), ("english", EnglishStemmer())):
        c_stemmer = snowballstemmer.stemmer(language)
        assert [c_stemmer.stemWord(w) for w in words] == [pure.stemWord(w) for w in words], language
