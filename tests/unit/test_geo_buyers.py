"""Where a SEAO tender is, told by who buys: a town's own territory, a regional body's, a head office."""

from __future__ import annotations

from esja.geo import RegionInferrer
from esja.model import Address, Buyer, Regions, Scope, Status, Tender, Text

INFER = RegionInferrer()


def seao_tender(buyer: str, title: str = "Travaux", address: Address | None = None) -> Tender:
    return Tender("seao", "ocds-ec9k95-1", "1", Text(title), Status.OPEN, buyer=Buyer(Text(buyer), address=address))


def strongest(regions: Regions) -> str:
    return regions.evidence[0].code


def confidence(regions: Regions, code: str) -> float:
    return next((e.confidence for e in regions.evidence if e.code == code), 0.0)


def test_rimouski_town_tender_concerns_bas_saint_laurent() -> None:
    regions = INFER.infer(seao_tender("Ville de Rimouski"))
    assert regions.scope is Scope.REGIONS and regions.codes == ("01",)
    assert regions.evidence[0].how == "buyer name: Ville de Rimouski"
    assert regions.evidence[0].confidence >= 0.9


def test_buyer_postal_code_alone_places_the_tender() -> None:
    regions = INFER.infer(seao_tender("Organisme de bassin versant", address=Address(postal_code="G5L4X2")))
    assert regions.codes == ("01",)
    assert "G5L" in regions.evidence[0].how


def test_buyer_locality_alone_places_the_tender() -> None:
    regions = INFER.infer(seao_tender("Organisme de bassin versant", address=Address(locality="Trois-Rivières")))
    assert regions.codes == ("04",)


def test_former_town_name_in_the_address_is_still_understood() -> None:
    # Canada Post still writes « Grand-Mère », merged into Shawinigan in 2002.
    regions = INFER.infer(seao_tender("Organisme X", address=Address(locality="Grand-Mère")))
    assert regions.codes == ("04",)


def test_rural_postal_prefix_spanning_two_regions_gives_both_with_lower_confidence() -> None:
    # G0S covers Chaudière-Appalaches (about 3/4 of its postal codes) and Centre-du-Québec.
    regions = INFER.infer(seao_tender("Organisme X", address=Address(postal_code="G0S 1A0")))
    assert set(regions.codes) == {"12", "17"}
    assert confidence(regions, "12") > confidence(regions, "17")
    assert (
        confidence(regions, "12")
        < INFER.infer(seao_tender("Organisme X", address=Address(postal_code="G5L 4X2"))).evidence[0].confidence
    )


def test_town_whose_name_starts_like_a_designation_is_found() -> None:
    assert INFER.infer(seao_tender("Ville de Ville-Marie")).codes == ("08",)
    assert INFER.infer(seao_tender("Municipalité de la Paroisse de Saint-Damase")).codes == ("01",)


def test_mrc_tender_concerns_its_region() -> None:
    assert INFER.infer(seao_tender("MRC de Témiscouata")).codes == ("01",)


def test_mrc_name_with_another_article_is_recognised() -> None:
    # MAMH writes « MRC Les Appalaches »; buyers write « MRC des Appalaches ».
    assert INFER.infer(seao_tender("MRC des Appalaches")).codes == ("12",)


def test_sante_quebec_regional_establishment_concerns_its_region() -> None:
    assert INFER.infer(seao_tender("Santé Québec - Lanaudière")).codes == ("14",)


def test_sante_quebec_establishment_spanning_two_regions_gives_both() -> None:
    regions = INFER.infer(seao_tender("Santé Québec - Mauricie-et-Centre-du-Québec"))
    assert regions.codes == ("04", "17")


def test_ciusss_and_cisss_concern_their_territory() -> None:
    assert INFER.infer(seao_tender("CIUSSS du Centre-Sud-de-l'Île-de-Montréal")).codes == ("06",)
    assert INFER.infer(seao_tender("Centre intégré de santé et de services sociaux de la Côte-Nord")).codes == ("09",)


def test_english_school_board_concerns_its_territory() -> None:
    assert INFER.infer(seao_tender("Commission scolaire Eastern Townships")).codes == ("05",)


def test_school_service_centre_with_trailing_dot_concerns_outaouais() -> None:
    regions = INFER.infer(seao_tender("Centre de services scolaire des Hauts-Bois-de-l'Outaouais."))
    assert regions.codes == ("07",)


def test_cegep_tender_concerns_the_cegep_region() -> None:
    assert INFER.infer(seao_tender("Cégep de Rimouski")).codes == ("01",)


def test_cegep_spelled_with_an_abbreviated_saint_is_found() -> None:
    assert INFER.infer(seao_tender("Cégep de Saint-Félicien")).codes == ("02",)


def test_universite_laval_is_in_quebec_city_not_in_laval() -> None:
    assert INFER.infer(seao_tender("Université Laval")).codes == ("03",)


def test_university_unit_after_a_dash_does_not_hide_the_university() -> None:
    regions = INFER.infer(seao_tender("Université de Sherbrooke -Service des ressources financières-  Section"))
    assert regions.codes == ("05",)


def test_intermunicipal_board_is_placed_by_the_territory_its_name_mentions() -> None:
    regions = INFER.infer(seao_tender("Régie régionale de gestion des matières résiduelles de Portneuf"))
    assert regions.codes == ("03",)


def test_provincial_agency_building_in_mont_laurier_concerns_laurentides_not_its_head_office() -> None:
    head_office = Address(locality="Québec", province="QC", postal_code="G1R5S9")
    regions = INFER.infer(
        seao_tender("Société québécoise des infrastructures", "Construction de l'hôpital de Mont-Laurier", head_office)
    )
    assert strongest(regions) == "15"
    assert confidence(regions, "15") > confidence(regions, "03")


def test_provincial_body_with_nothing_but_its_address_gets_a_weak_region() -> None:
    montreal_office = Address(locality="Montréal", province="QC", postal_code="H2K0C7")
    regions = INFER.infer(seao_tender("Sûreté du Québec", "Éthylomètre DataMaster DMT-C", montreal_office))
    assert regions.codes == ("06",)
    assert regions.evidence[0].confidence < 0.5


def test_town_buyer_address_only_confirms_its_territory() -> None:
    regions = INFER.infer(seao_tender("Ville de Val-d'Or.", address=Address(locality="Val-d'Or", postal_code="J9P1W7")))
    assert regions.codes == ("08",) and regions.evidence[0].confidence >= 0.9


def test_ambiguous_town_name_is_settled_by_the_buyer_address() -> None:
    # Two Saint-Isidore: in Montérégie (16) and in Chaudière-Appalaches (12).
    regions = INFER.infer(seao_tender("Municipalité de Saint-Isidore", address=Address(postal_code="G0S2S0")))
    assert strongest(regions) == "12"
    assert "16" not in regions.codes


def test_ambiguous_town_name_without_address_is_never_a_confident_pick() -> None:
    regions = INFER.infer(seao_tender("Saint-Isidore"))
    named = INFER.infer(seao_tender("Municipalité de Saint-Isidore"))
    assert all(e.confidence < 0.9 for e in named.evidence)
    assert regions.scope is Scope.UNKNOWN or all(e.confidence < 0.9 for e in regions.evidence)


def test_buyer_with_no_usable_evidence_stays_unknown() -> None:
    regions = INFER.infer(seao_tender("Régie incendie de l'Alliance des Grandes-Seigneuries", "Achat de licences"))
    assert regions == Regions(Scope.UNKNOWN, ())
    assert regions.codes == ()


def test_tender_without_buyer_or_place_is_unknown() -> None:
    regions = INFER.infer(Tender("ocds-x", "1", "1", Text("Fourniture de papier"), Status.OPEN))
    assert regions.scope is Scope.UNKNOWN and regions.codes == ()


def test_each_region_keeps_only_its_strongest_evidence() -> None:
    regions = INFER.infer(
        seao_tender("Ville de Rimouski", "Travaux à Rimouski", Address(locality="Rimouski", postal_code="G5L 4X2"))
    )
    assert len(regions.evidence) == 1
    assert regions.evidence[0].how == "buyer name: Ville de Rimouski"


def test_tender_comes_back_with_its_regions_filled_in() -> None:
    tender = seao_tender("Ville de Rimouski")
    assert INFER.with_regions(tender).regions == INFER.infer(tender)
    assert tender.regions is None
