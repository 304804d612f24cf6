"""Place names in titles and descriptions: found when they name a place, ignored when they do not."""

from __future__ import annotations

import pytest

from esja.geo import Gazetteer, RegionInferrer
from esja.geo.mentions import AT_NAMES, COMMON_NAMES, COMMON_SAINTS
from esja.geo.names import name_key
from esja.model import Buyer, Scope, Status, Tender, Text

INFER = RegionInferrer()


def provincial_tender(title: str, description: str | None = None) -> Tender:
    buyer = Buyer(Text("Ministère des Transports et de la Mobilité durable"))
    return Tender("seao", "ocds-ec9k95-1", "1", Text(title), Status.OPEN, description=Text(description), buyer=buyer)


def places(text: str) -> list[str]:
    return [m.name.label for m in INFER.mentions(text)]


def test_title_naming_a_town_places_a_provincial_tender_there() -> None:
    regions = INFER.infer(provincial_tender("Construction de l'hôpital de Mont-Laurier"))
    assert regions.codes == ("15",)
    assert regions.evidence[0].how == "title mentions Mont-Laurier"


def test_description_naming_a_town_counts_less_than_the_title() -> None:
    in_title = INFER.infer(provincial_tender("Réfection à Rimouski"))
    in_description = INFER.infer(provincial_tender("Réfection", "Les travaux ont lieu à Rimouski."))
    assert in_description.codes == ("01",)
    assert in_description.evidence[0].confidence < in_title.evidence[0].confidence


def test_postal_code_in_the_title_places_the_tender() -> None:
    regions = INFER.infer(provincial_tender("Entretien des ascenseurs - 930, chemin Sainte-Foy, Québec G1S 2L4"))
    assert "03" in regions.codes
    assert any("postal code G1S 2L4" in e.how for e in regions.evidence)


def test_names_are_matched_whatever_their_case_accents_and_saint_spelling() -> None:
    assert places("TRAVAUX À ST-JÉRÔME") == ["Saint-Jérôme"]
    assert places("travaux à saint-jérôme et à Rimouski") == ["Rimouski"]  # capitals mean something here
    assert places("Déneigement - VAL-D’OR") == ["Val-d'Or"]


def test_region_names_in_text_place_the_tender() -> None:
    regions = INFER.infer(provincial_tender("Services de déneigement - Direction de la Mauricie–Centre-du-Québec"))
    assert regions.codes == ("04", "17")


def test_borough_and_former_town_names_count() -> None:
    assert places("Déneigement secteur Chicoutimi et Jonquière") == ["Chicoutimi", "Jonquière"]


def test_quebec_city_only_when_the_text_says_the_city() -> None:
    assert places("Travaux à Québec") == ["Québec"]
    assert places("Ville de Québec") == ["Québec"]
    assert places("Partout au Québec pour le gouvernement du Québec") == []
    assert places("Hydro-Québec et Loto-Québec") == []


def test_name_inside_a_hyphenated_compound_is_not_the_town() -> None:
    assert places("Arrondissement du Plateau-Mont-Royal") == ["Le Plateau-Mont-Royal"]
    assert "Laurentides" not in places("Municipalité de Saint-Lin–Laurentides")


def test_mrc_name_in_text_is_the_mrc_not_the_town_of_the_same_name() -> None:
    mentions = INFER.mentions("Territoire de la MRC de La Matapédia")
    assert [m.regions for m in mentions] == [(("01", 1.0),)]


@pytest.mark.parametrize(
    "title",
    [
        "Nouvelle usine : prix, racine du problème et présentation à l'avenir",
        "NOUVELLE PRÉSENTATION DES PRIX À L'AVENIR - PLANCHER EN BOIS FRANC - HAIE DE CÈDRES",
        "Achat d'une nouvelle rétrocaveuse pour la pêche blanche",
        "Fourniture de tuques et de mitaines",
        "Réfection de la rue Saint-Denis et du boulevard Saint-Laurent",
        "Réparation de l'église Notre-Dame-des-Neiges et de l'école Saint-Louis",
        "Dragage du fleuve Saint-Laurent et du golfe du Saint-Laurent",
        "Ensemencement au lac Simon et au lac Mégantic",
        "Étude pour l'Université Laval",
        "Traiteur pour la fête de la Saint-Jean-Baptiste",
        "Entretien du pont Champlain et du pont Mercier",
        "Supply of low voltage cables at the best price, hope to deliver to Windsor Street",
        "Services au Québec pour le gouvernement du Québec",
        "Région de la capitale nationale",
        "ACHAT D'UN CAMION - SACRÉ-COEUR DE JÉSUS - ANGE GARDIEN",
        "ROULEMENTS À PALIER À CHAPEAU",
        "CHASSE À LA BALEINE",
    ],
)
def test_common_words_that_are_also_place_names_produce_no_region(title: str) -> None:
    regions = INFER.infer(provincial_tender(title))
    assert regions.scope is Scope.UNKNOWN, [e.how for e in regions.evidence]


def test_common_word_town_counts_when_the_text_designates_it() -> None:
    assert places("Travaux dans la Municipalité de L'Avenir") == ["L'Avenir"]
    assert places("Déneigement pour la Ville de Price") == ["Price"]


def test_saints_names_count_after_a_locative() -> None:
    assert places("Réfection du CLSC de Saint-Damase") == ["Saint-Damase"]
    assert places("École Saint-Damase - réfection") == []


def test_lists_of_tricky_names_all_name_real_places() -> None:
    gazetteer = Gazetteer.bundled()
    known = {name_key(m.name) for m in gazetteer.municipalities} | {name_key(b.name) for b in gazetteer.boroughs}
    assert (COMMON_NAMES | AT_NAMES | COMMON_SAINTS) - known == set()
