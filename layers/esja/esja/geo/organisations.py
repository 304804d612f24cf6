"""How Québec buyers name themselves, and what kind of territory their name stands for.

« Ville de Rimouski » is a town whose own territory is the place of work; « MRC de Témiscouata » a
regional county; « Santé Québec - Lanaudière », « Centre de services scolaire des Patriotes » or
« Cégep de Rimouski » a public body serving a region; « Sûreté du Québec » or « Société québécoise
des infrastructures » a provincial body whose address is only its head office.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from esja.geo.names import strip_particles, words


class BuyerKind(StrEnum):
    MUNICIPAL = "municipal"  # a town, village, parish, township, borough
    MRC = "mrc"  # a regional county municipality
    LOCAL = "local"  # intermunicipal boards, transit and housing bodies of a town
    HEALTH = "health"  # Santé Québec regions, CISSS/CIUSSS, hospitals
    SCHOOL = "school"  # school service centres and school boards
    COLLEGE = "college"
    UNIVERSITY = "university"
    CENTRAL = "central"  # provincial ministries and agencies, federal departments
    OTHER = "other"


# Bodies whose territory is a town or a region: what they buy is there.
TERRITORIAL = frozenset(
    {
        BuyerKind.MUNICIPAL,
        BuyerKind.MRC,
        BuyerKind.LOCAL,
        BuyerKind.HEALTH,
        BuyerKind.SCHOOL,
        BuyerKind.COLLEGE,
        BuyerKind.UNIVERSITY,
    }
)


def _prefixes(*names: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(words(name)) for name in names)


# The designation a municipal buyer gives itself, and the MAMH designations it may stand for.
MUNICIPAL_DESIGNATIONS: dict[tuple[str, ...], tuple[str, ...]] = {
    ("ville",): ("Ville",),
    ("cite",): ("Ville",),
    ("city", "of"): ("Ville",),
    ("town", "of"): ("Ville",),
    ("municipalite",): ("Municipalité",),
    ("municipality", "of"): ("Municipalité",),
    ("paroisse",): ("Paroisse",),
    ("canton",): ("Canton",),
    ("township", "of"): ("Canton",),
    ("cantons", "unis"): ("Cantons unis",),
    ("village", "nordique"): ("Village nordique",),
    ("village",): ("Village", "Village nordique"),
    ("arrondissement",): ("Arrondissement",),
    ("agglomeration",): ("Ville",),
    ("gouvernement", "regional"): ("Gouvernement régional",),
}
MRC_PREFIXES = _prefixes("MRC", "Municipalité régionale de comté", "Regional County Municipality")
HEALTH_PREFIXES = _prefixes(
    "Centre intégré universitaire de santé et de services sociaux",
    "Centre intégré de santé et de services sociaux",
    "Centre de santé et de services sociaux",
    "CIUSSS",
    "CISSS",
    "CSSS",
)
SCHOOL_PREFIXES = _prefixes("Centre de services scolaire", "Commission scolaire", "CSS", "CS")
COLLEGE_PREFIXES = _prefixes("Cégep", "Collège", "College")
UNIVERSITY_PREFIXES = _prefixes("Université", "University")
_OTHER_HEALTH_STARTS = _prefixes("Centre hospitalier", "CHU", "Hôpital", "Institut universitaire")
_OTHER_UNIVERSITY_STARTS = _prefixes(
    "École polytechnique",
    "Polytechnique",
    "École de technologie supérieure",
    "HEC Montréal",
    "École des hautes études commerciales",
)
# « Université du Québec » and the network-wide bodies answer for the whole province.
PROVINCIAL_UNIVERSITIES = frozenset(
    {
        ("universite", "du", "quebec"),
        ("tele", "universite"),
        ("teluq",),
        ("institut", "national", "de", "la", "recherche", "scientifique"),
        ("ecole", "nationale", "d", "administration", "publique"),
    }
)
# « du Québec » is the province, « de Québec » the city: a body « … du Québec » is provincial.
_CENTRAL_PHRASES = _prefixes(
    "du Québec",
    "Gouvernement",
    "Government",
    "Ministère",
    "Ministre",
    "Secrétariat",
    "Santé Québec",
    "Hydro-Québec",
    "Loto-Québec",
    "Revenu Québec",
    "Retraite Québec",
    "Investissement Québec",
    "Transports Québec",
    "Infrastructures technologiques Québec",
    "Société québécoise",
    "SQI",
    "Société des établissements de plein air",
    "Sépaq",
    "Assemblée nationale",
    "Conseil du trésor",
    "Centre d'acquisitions gouvernementales",
    "Canada",
    "Department",
    "Autorité des marchés",
    "Bibliothèque et Archives nationales",
)
_CENTRAL_WORDS = frozenset(
    {
        "quebecois",
        "quebecoise",
        "gouvernemental",
        "gouvernementale",
        "federal",
        "national",
        "canadian",
        "canadien",
        "canadienne",
    }
)
_LOCAL_PHRASES = _prefixes(
    "Régie",
    "intermunicipal",
    "intermunicipale",
    "Communauté métropolitaine",
    "Société de transport",
    "Réseau de transport",
    "Office municipal",
    "Office d'habitation",
    "Conseil intermunicipal",
    "Corporation municipale",
)
# « Ville de Montréal - Service de l'approvisionnement »: the unit after a spaced dash says nothing
# of the territory (but « Santé Québec - Lanaudière » is read before this cut).
_UNIT_SEPARATOR = re.compile(r"\s+[-–—]+\s*|\s*[-–—]+\s+|\s*[(,]")


@dataclass(frozen=True, slots=True)
class BuyerName:
    kind: BuyerKind
    words: tuple[str, ...]  # the whole name (its first part, before a unit)
    subjects: tuple[tuple[str, ...], ...]  # what follows the designation, in the spellings to try
    designations: tuple[str, ...] = ()  # MAMH designations a municipal buyer's word stands for

    @property
    def subject(self) -> tuple[str, ...]:
        return self.subjects[0] if self.subjects else ()


def main_name(name: str) -> str:
    """« Ville de Montréal - Service de l'approvisionnement » → « Ville de Montréal » (but « Santé
    Québec - Lanaudière » stays whole: there the region follows the dash)."""
    cleaned = " ".join(name.split()).rstrip(" .")
    if words(cleaned)[:2] == ["sante", "quebec"]:
        return cleaned
    return _UNIT_SEPARATOR.split(cleaned, maxsplit=1)[0].rstrip(" .") or cleaned


def read_buyer_name(name: str) -> BuyerName:
    every = words(name)
    if every[:2] == ["sante", "quebec"]:
        # Santé Québec's regional establishments: « Santé Québec - Lanaudière », « … Chaudière-Appalaches ».
        rest = tuple(strip_particles(every[2:])) if len(every) > 2 else ()
        return BuyerName(BuyerKind.HEALTH if rest else BuyerKind.CENTRAL, tuple(every), (rest,))
    first = words(_UNIT_SEPARATOR.split(name.strip(), maxsplit=1)[0]) or every
    return _read(first)


def _read(tokens: list[str]) -> BuyerName:
    whole = tuple(tokens)
    municipal = _municipal(tokens)
    if municipal is not None:
        return municipal
    for kind, prefixes in (
        (BuyerKind.MRC, MRC_PREFIXES),
        (BuyerKind.HEALTH, HEALTH_PREFIXES),
        (BuyerKind.SCHOOL, SCHOOL_PREFIXES),
        (BuyerKind.COLLEGE, COLLEGE_PREFIXES),
        (BuyerKind.UNIVERSITY, UNIVERSITY_PREFIXES),
    ):
        for prefix in prefixes:
            if whole[: len(prefix)] == prefix and len(whole) > len(prefix):
                if whole in PROVINCIAL_UNIVERSITIES:
                    return BuyerName(BuyerKind.CENTRAL, whole, (whole,))
                return BuyerName(kind, whole, (tuple(strip_particles(tokens[len(prefix) :])),))
    if _starts(whole, _OTHER_HEALTH_STARTS):
        return BuyerName(BuyerKind.HEALTH, whole, (whole,))
    if _starts(whole, _OTHER_UNIVERSITY_STARTS):
        return BuyerName(BuyerKind.UNIVERSITY, whole, (whole,))
    if whole[-2:] == ("school", "board"):
        return BuyerName(BuyerKind.SCHOOL, whole, (tuple(strip_particles(tokens[:-2])),))
    if whole in PROVINCIAL_UNIVERSITIES or _contains(whole, _CENTRAL_PHRASES) or _CENTRAL_WORDS & set(whole):
        return BuyerName(BuyerKind.CENTRAL, whole, (whole,))
    if _contains(whole, _LOCAL_PHRASES):
        return BuyerName(BuyerKind.LOCAL, whole, (whole,))
    return BuyerName(BuyerKind.OTHER, whole, (whole,))


def _municipal(tokens: list[str]) -> BuyerName | None:
    designations: tuple[str, ...] = ()
    subjects: tuple[tuple[str, ...], ...] = ()
    rest = tokens
    # « Municipalité de la Paroisse de Saint-X », « Municipalité des Cantons-Unis de Y »: the last
    # designation is the precise one.
    while rest:
        # After a first designation, another one counts only when « de » follows it: « Ville de
        # Ville-Marie » is the town of Ville-Marie.
        strict = bool(designations)
        found = _designation(rest, strict) or (_designation(rest[1:], strict) if rest[0] in ("la", "le", "l") else None)
        if found is None:
            break
        designations, subjects = found
        rest = list(subjects[0])
    if not designations or not rest:
        return None
    return BuyerName(BuyerKind.MUNICIPAL, tuple(tokens), subjects, designations)


def _designation(tokens: list[str], strict: bool = False) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]] | None:
    for designation, meaning in MUNICIPAL_DESIGNATIONS.items():
        if tuple(tokens[: len(designation)]) != designation:
            continue
        rest = tuple(tokens[len(designation) :])
        if len(rest) > 1 and rest[0] in ("de", "d"):
            return meaning, (rest[1:],)
        # « Municipalité des Éboulements » is « de Les Éboulements », « du Lac » is « de Le Lac ».
        if len(rest) > 1 and rest[0] in ("du", "des"):
            article = "le" if rest[0] == "du" else "les"
            return meaning, (rest[1:], (article, *rest[1:]))
        return None if strict else (meaning, (rest,))
    return None


def _starts(tokens: tuple[str, ...], prefixes: tuple[tuple[str, ...], ...]) -> bool:
    return any(tokens[: len(prefix)] == prefix for prefix in prefixes)


def _contains(tokens: tuple[str, ...], phrases: tuple[tuple[str, ...], ...]) -> bool:
    for phrase in phrases:
        size = len(phrase)
        for start in range(len(tokens) - size + 1):
            if tokens[start : start + size] == phrase:
                return True
    return False
