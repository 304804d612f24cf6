"""Québec place names mentioned in a free text: a title, a description, a buyer's name.

A text is cut into words once (esja.geo.names.Words) and looked up word by word in one index keyed
by a name's first word, longest name first: no regular expression is built per text or per name.

Place names are also saints, streets, churches, schools, lakes and plain words (« Price »,
« L'Avenir », « Nouvelle », « La Présentation »), so a name found in a text counts only when:
- it stands alone: not inside a hyphenated compound (« Plateau-Mont-Royal » does not name Mont-Royal);
- it is written as a place: hyphenated where the official name is (« lac Simon » is a lake,
  « Lac-Simon » a municipality) and capitalised when the text's capitals mean something;
- nothing before it makes it something else: « rue », « boulevard » (even « rue de … »), a direction
  (« nord de Montréal »), or a building or feature named after it (« Université Laval »,
  « École Saint-Louis », « rivière Gatineau »);
- it has the introduction its kind of name needs (see Level).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import IntEnum

from esja.geo.gazetteer import Gazetteer, Place, mrc_key
from esja.geo.names import ABBREVIATIONS, PARTICLES, Words, fold_keeping_length, raw_words, words
from esja.geo.regions import REGION_ALIASES, all_regions


class Level(IntEnum):
    """What must come just before a name for it to count as a place."""

    ANYWHERE = 0  # distinctive names: « Mont-Laurier », « Rimouski », « Outaouais »
    LOCATIVE = 1  # saints' names: « à Saint-Jérôme », « de Saint-Hyacinthe », « secteur Saint-Laurent »
    AT = 2  # « à Québec » is the city, « au Québec » or « du Québec » the province
    DESIGNATED = 3  # common words: only « Municipalité de L'Avenir », « MRC de … », « Ville de Price »


def _word_set(words_: str) -> frozenset[str]:
    return frozenset(words_.split())


# Municipality and borough names that are also everyday words, surnames, saints' feasts or famous
# places elsewhere; found in texts only after a designation (« Ville de Mercier »).
COMMON_NAMES = _word_set(
    # English and French words
    "austin bonaventure bowman bristol brome bury champlain chandler charlemagne cleveland colombier"
    " compton danville dundee eastman entrelacs franklin frontenac gore harrington hope hudson"
    " kirkland labelle linton lorraine low mandeville maria mayo melbourne mercier messines milan"
    " montcalm nantes newport nouvelle ogden padoue picard piedmont plaisance pontiac price racine"
    " richelieu richmond scott shannon stoke sutton upton warden warwick waterloo windsor maskinonge"
    " perce irlande inverness calumet desjardins beaumont berry begin disraeli clarendon"
    # surnames
    " lemieux lefebvre duhamel boileau charette larouche auclair lamarche godbout taschereau clermont"
    " dupuy launay guerin laforce moffet normandin desbiens aumond bouchette denholm deleage albanel"
    " audet labrecque authier gallichan belcourt nedelec lejeune chapais thorne bryson"
    # towns of the same name elsewhere (Nova Scotia, Ontario, England…)
    " bedford amherst stratford wentworth ripon grenville litchfield waltham lambton rougemont elgin"
    " havelock huntingdon honfleur"
) | frozenset(
    (
        "hope town",
        "blue sea",
        "ange gardien",
        "l ange gardien",
        "bonne esperance",
        "la peche",
        "la presentation",
        "la redemption",
        "la reine",
        "la conception",
        "la patrie",
        "la motte",
        "la corne",
        "la dore",
        "la martre",
        "la minerve",
        "la romaine",
        "la guadeloupe",
        "l ascension",
        "l ascension de notre seigneur",
        "l avenir",
        "les eboulements",
        "les hauteurs",
        "les nations",
        "les rivieres",
        "le sud ouest",
        "la baie",
        "sacre coeur",
        "sacre coeur de jesus",
        "tres saint sacrement",
        "tres saint redempteur",
        "esprit saint",
        "grand saint esprit",
        "saint jean baptiste",
        "passes dangereuses",
    )
)
# Towns whose name is also a phrase, but unambiguous after « à »: « à La Tuque », « à L'Assomption ».
AT_NAMES = frozenset(("quebec", "la tuque", "l assomption", "la prairie", "l epiphanie", "les cedres", "les coteaux"))
# Saints' names that are also parishes, churches and streets in every town, even when the town so
# named is large.
COMMON_SAINTS = frozenset(
    (
        "saint georges",
        "sainte catherine",
        "saint laurent",
        "saint hubert",
        "saint michel",
        "sainte marie",
        "saint pierre",
        "saint paul",
        "saint louis",
        "saint henri",
    )
)
_SAINT_WORDS = frozenset({"saint", "sainte", "saints", "saintes"})
# A town of this size is known by its saint's name (« Saint-Jérôme », « Sainte-Julie »).
_SAINT_TOWN_POPULATION = 15_000

# First words that make a name a natural feature or a phrase unless hyphenated as in the official
# name (« lac Mégantic » is the lake, « Lac-Mégantic » the town; « région de la capitale nationale »
# is Ottawa–Gatineau in federal French, « Capitale-Nationale » the Québec region).
_HYPHENATED_FIRST_WORDS = _word_set(
    "lac lacs riviere rivieres ruisseau mont monts montagne baie pointe ile iles isle cap anse chute chutes"
    " grand grande grandes grands petit petite petites petits gros grosse grosses val vallee cote coteau"
    " pont port portage belle bois ferme deux trois sept mille centre nord haute hautes haut bas basse"
    " chateau passe passes fort havre plage plages capitale"
)
# Words that make the next name a street or a direction, even through « de », « du », « des ».
_STREET_WORDS = _word_set(
    "rue rues avenue av ave boulevard boul bd blvd chemin ch rang route rte montee autoroute place pont quai"
    " impasse allee croissant promenade carre sentier piste passage voie street road drive highway bridge"
    " nord sud est ouest north south east west"
)
# Words that make the next name a building, an institution, a feature or a person named after it.
_NAMED_AFTER_WORDS = _word_set(
    "ecole college cegep universite university hopital hospital pavillon arena eglise church parc park"
    " centre center edifice immeuble residence chsld clsc manoir villa maison complexe stade bibliotheque"
    " caserne polyvalente academie institut foyer salle theatre musee hotel club golf marina camping plage"
    " lac riviere fleuve golfe ruisseau canal barrage mont baie ile station metro gare terminus quartier"
    " monseigneur mgr pere frere soeur docteur dr sir general lord"
)
# « Transport Rimouski inc. »: a company named after a town can be anywhere; « Laval University »,
# « Sherbrooke Street »: English puts the building or street after the name.
_NAMED_BEFORE_WORDS = _word_set(
    "inc ltee ltd limitee enr senc university college hospital street avenue road boulevard river lake bridge"
)
# « MRC de La Matapédia » is the MRC (01), not the municipality of Matapédia (11).
_MRC_WORDS = frozenset({"mrc", "comte"})
# Designations that introduce any place name (« Municipalité de … », « secteur … », « MRC des … »).
_DESIGNATIONS = _word_set(
    "ville cite municipalite paroisse village canton mrc comte arrondissement secteur agglomeration town"
    " city municipality township"
)


@dataclass(frozen=True, slots=True)
class PlaceName:
    """One entry of the index: a name and the regions it stands for."""

    words: tuple[str, ...]
    label: str  # as shown in evidence: « Mont-Laurier »
    regions: tuple[tuple[str, float], ...]  # region and weight (below 1 when the name is ambiguous)
    level: Level
    welded_at: int | None = None  # index of a word that must be hyphenated to the one before
    first_content: int = 0  # index of the first word that is not an article (its capital is checked)
    as_mrc: tuple[tuple[str, float], ...] = ()  # its regions when introduced as an MRC


@dataclass(frozen=True, slots=True)
class Mention:
    name: PlaceName
    start: int  # word indexes in the text
    end: int
    regions: tuple[tuple[str, float], ...]


class PlaceFinder:
    """Finds the place names of a Gazetteer in texts; build once, use for every tender."""

    __slots__ = ("_content_spellings", "_firsts", "_one_word", "_two_words")

    def __init__(self, names: Iterable[PlaceName]) -> None:
        one_word: dict[str, PlaceName] = {}
        two_words: defaultdict[tuple[str, str], list[PlaceName]] = defaultdict(list)
        for name in names:
            if len(name.words) == 1:
                one_word[name.words[0]] = name
            else:
                two_words[name.words[0], name.words[1]].append(name)
        # Indexed by their first two words: names starting « La », « Les », « Saint » are many.
        self._one_word = one_word
        self._two_words = {pair: tuple(sorted(found, key=lambda n: -len(n.words))) for pair, found in two_words.items()}
        self._firsts = frozenset(one_word) | {first for first, _ in self._two_words}
        # Most texts name no place: a look-up of each word as written tells, before any closer reading
        # (by a name's first word that is not an article: « la », « les », « l' » start too many texts).
        every = (*one_word.values(), *(n for found in self._two_words.values() for n in found))
        spellings = {n.words[n.first_content] for n in every}
        spellings |= {short for short, full in ABBREVIATIONS.items() if full in spellings}
        spellings |= {w.replace("oe", "œ") for w in spellings if "oe" in w}
        self._content_spellings = frozenset(spellings)

    @classmethod
    def from_gazetteer(cls, gazetteer: Gazetteer) -> PlaceFinder:
        return cls(place_names(gazetteer))

    def find(self, text: str) -> list[Mention]:
        if not text:
            return []
        folded = fold_keeping_length(text)
        if self._content_spellings.isdisjoint(raw_words(folded)):
            return []
        found: list[Mention] = []
        text_words = Words(text, folded)
        keys = text_words.keys
        free_from = 0  # words before this one belong to a name already found
        for index in [i for i, key in enumerate(keys) if key in self._firsts]:
            if index < free_from or text_words.welded(index):
                continue
            match = self._match_at(text_words, index)
            if match is not None:
                found.append(match)
                free_from = match.end
        return found

    def _match_at(self, text: Words, index: int) -> Mention | None:
        keys = text.keys
        longer = self._two_words.get((keys[index], keys[index + 1])) if index + 1 < len(keys) else None
        for name in longer or ():
            end = index + len(name.words)
            if keys[index:end] == name.words and (match := _mention(text, index, end, name)):
                return match
        single = self._one_word.get(keys[index])
        return _mention(text, index, index + 1, single) if single is not None else None


def _mention(text: Words, start: int, end: int, name: PlaceName) -> Mention | None:
    keys = text.keys
    before = start - 1
    if before >= 0 and keys[before] in _NAMED_AFTER_WORDS:
        return None
    if end < len(keys) and (keys[end] in _NAMED_BEFORE_WORDS or text.welded(end)):
        return None
    if name.welded_at is not None and not text.welded(start + name.welded_at):
        return None
    introduced_by = _past_particles(keys, before)
    if introduced_by in _STREET_WORDS or name.level > _introduction(text, start, introduced_by):
        return None
    if text.case_tells and not text.capitalised(start + name.first_content):
        return None
    regions = name.as_mrc if name.as_mrc and introduced_by in _MRC_WORDS else name.regions
    return Mention(name, start, end, regions)


def _introduction(text: Words, start: int, introduced_by: str | None) -> Level:
    """The most demanding level of name that the words before `start` can introduce."""
    keys = text.keys
    if start == 0:
        return Level.ANYWHERE
    if introduced_by in _DESIGNATIONS or (
        introduced_by == "unis" and _past_particles(keys, start - 1, skip=1) == "cantons"
    ):
        return Level.DESIGNATED
    previous = keys[start - 1]
    if previous == "a" and text.original(start - 1) in ("à", "À"):
        return Level.AT
    if previous in ("de", "d"):
        return Level.LOCATIVE
    return Level.ANYWHERE


def _past_particles(keys: tuple[str, ...], index: int, *, skip: int = 0) -> str | None:
    """The first word at or before `index` that is not an article or « de » (at most three back)."""
    for _ in range(3):
        if index < 0 or keys[index] not in PARTICLES:
            break
        index -= 1
    index -= skip
    return keys[index] if index >= 0 else None


def place_names(gazetteer: Gazetteer) -> list[PlaceName]:
    """Every name the gazetteer knows, merged by spelling (one entry per ambiguous name)."""
    entries: defaultdict[tuple[str, ...], list[tuple[str, str, float, Level]]] = defaultdict(list)
    keys = set(gazetteer.place_keys())
    for key in keys:
        places = [p for p in gazetteer.places_by_key(key) if _in_texts(p)]
        spellings = [tuple(key.split())]
        # « Le Plateau-Mont-Royal », « Les Escoumins » read « du Plateau-Mont-Royal », « aux Escoumins ».
        if spellings[0][0] in ("le", "les") and len(spellings[0]) > 1 and " ".join(spellings[0][1:]) not in keys:
            spellings.append(spellings[0][1:])
        for spelling in spellings:
            for place in places:
                entries[spelling].append(
                    (place.name, place.region, place.share / len(places), _place_level(key, place))
                )
    for region in all_regions():
        entries[tuple(words(region.name_fr))].append((region.name_fr, region.code, 1.0, Level.ANYWHERE))
    for alias, code in REGION_ALIASES.items():
        entries[tuple(words(alias))].append((alias, code, 1.0, Level.ANYWHERE))
    as_mrc: dict[tuple[str, ...], tuple[tuple[str, float], ...]] = {}
    for mrc, regions in _mrcs(gazetteer):
        spelling = tuple(mrc_key(mrc).split())
        as_mrc[spelling] = tuple((code, round(1.0 / len(regions), 3)) for code in regions)
        for code in regions:
            entries[spelling].append((mrc, code, 1.0 / len(regions), Level.DESIGNATED))
    return [
        replace(_merge(spelling, found), as_mrc=as_mrc.get(spelling, ()))
        for spelling, found in entries.items()
        if spelling
    ]


def _in_texts(place: Place) -> bool:
    # Unpopulated unorganised territories are mostly lakes and rivers of the same name.
    return not (place.designation == "Territoire non organisé" and place.population == 0)


def _place_level(key: str, place: Place) -> Level:
    if key in COMMON_NAMES:
        return Level.DESIGNATED
    if key in AT_NAMES:
        return Level.AT
    if place.kind == "locality":
        # Canada Post names are also words (« Chapeau », « La Baleine », « Bassin »); hyphenated
        # ones are distinctive (« Grand-Mère », « Cap-aux-Meules »).
        return Level.LOCATIVE if "-" in place.name else Level.DESIGNATED
    content = [w for w in key.split() if w not in PARTICLES]
    saintly = content[0] in _SAINT_WORDS and len(content) <= 2
    if content[:2] == ["notre", "dame"]:
        return Level.LOCATIVE
    if saintly and (key in COMMON_SAINTS or place.population < _SAINT_TOWN_POPULATION):
        return Level.LOCATIVE
    return Level.ANYWHERE


def _mrcs(gazetteer: Gazetteer) -> list[tuple[str, tuple[str, ...]]]:
    names = {m.mrc for m in gazetteer.municipalities if m.mrc}
    return [(name, gazetteer.mrc_regions(name)) for name in sorted(names)]


def _merge(spelling: tuple[str, ...], found: list[tuple[str, str, float, Level]]) -> PlaceName:
    weights: defaultdict[str, float] = defaultdict(float)
    for _, code, weight, _ in found:
        weights[code] += weight
    total = sum(weights.values())
    regions = tuple(sorted(((c, round(w / total, 3)) for c, w in weights.items()), key=lambda p: (-p[1], p[0])))
    label = found[0][0]
    first_content = next((i for i, w in enumerate(spelling) if w not in PARTICLES), 0)
    welded_at = None
    # Only where the official spelling itself has a hyphen (« Lac-Simon », not « Lac Des Loups »).
    if spelling[first_content] in _HYPHENATED_FIRST_WORDS and any(
        _hyphen_after(name, spelling, first_content) for name, *_ in found
    ):
        welded_at = first_content + 1
    return PlaceName(spelling, label, regions, min(level for *_, level in found), welded_at, first_content)


def _hyphen_after(name: str, spelling: tuple[str, ...], index: int) -> bool:
    """Is word `index` of `spelling` hyphenated to the next in `name` (which may have a leading article more)?"""
    text = Words(name)
    index += len(text.keys) - len(spelling)
    return index >= 0 and index + 1 < len(text.keys) and text.welded(index + 1)
