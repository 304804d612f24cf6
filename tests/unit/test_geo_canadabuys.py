"""CanadaBuys « regions of delivery » labels: province-wide, Canada-wide, NCR, cities, elsewhere."""

from __future__ import annotations

from dataclasses import replace

from esja.geo import RegionInferrer
from esja.model import QUEBEC_WIDE, Address, Buyer, Regions, Scope, Status, Tender, Text

INFER = RegionInferrer()
PSPC = Buyer(
    Text("Travaux publics et Services gouvernementaux Canada", "Public Works and Government Services Canada"),
    address=Address(locality="Gatineau", province="Quebec", postal_code="K1A 0S5"),
)


def federal_tender(*labels: str, title: str = "Laundry services") -> Tender:
    return Tender("canadabuys", "WS1", "1", Text(en=title), Status.OPEN, buyer=PSPC, delivery_regions=tuple(labels))


def test_quebec_except_ncr_is_all_of_quebec() -> None:
    assert INFER.infer(federal_tender("*Quebec (except NCR)")).scope is Scope.ALL_QUEBEC
    assert INFER.infer(federal_tender("*Québec (sauf RCN)")).scope is Scope.ALL_QUEBEC


def test_national_capital_region_is_outaouais_and_says_it_is_partly_ontario() -> None:
    regions = INFER.infer(federal_tender("*National Capital Region (NCR)", "*Région de la capitale nationale (RCN)"))
    assert regions.scope is Scope.REGIONS and regions.codes == ("07",)
    assert "partly Ontario" in regions.evidence[0].how
    assert regions.evidence[0].confidence < 0.9


def test_canada_wide_notice_counts_everywhere() -> None:
    assert INFER.infer(federal_tender("*Canada")).scope is Scope.CANADA
    assert INFER.infer(federal_tender("*National Capital Region (NCR)", "*Canada")).scope is Scope.CANADA


def test_ontario_only_notice_is_outside_quebec() -> None:
    regions = INFER.infer(federal_tender("*Ontario (except NCR)", "*Ontario (sauf RCN)"))
    assert regions == Regions(Scope.OUTSIDE_QUEBEC, ())


def test_world_and_other_provinces_only_are_outside_quebec() -> None:
    assert INFER.infer(federal_tender("*World")).scope is Scope.OUTSIDE_QUEBEC
    assert INFER.infer(federal_tender("*New Brunswick", "*Nouveau-Brunswick")).scope is Scope.OUTSIDE_QUEBEC


def test_city_outside_quebec_is_outside_quebec() -> None:
    assert INFER.infer(federal_tender("*Cornwall")).scope is Scope.OUTSIDE_QUEBEC


def test_gatineau_delivery_is_outaouais() -> None:
    regions = INFER.infer(federal_tender("*Gatineau", "*National Capital Region (NCR)"))
    assert regions.codes == ("07",)
    assert regions.evidence[0].how == "CanadaBuys delivery region: Gatineau"


def test_quebec_city_names_are_their_regions() -> None:
    assert INFER.infer(federal_tender("*Longueuil")).codes == ("16",)
    assert INFER.infer(federal_tender("*Rimouski")).codes == ("01",)
    assert INFER.infer(federal_tender("*Montreal")).codes == ("06",)


def test_quebec_city_and_another_province_keep_the_quebec_region() -> None:
    regions = INFER.infer(federal_tender("*Longueuil", "*Ontario (except NCR)"))
    assert regions.scope is Scope.REGIONS and regions.codes == ("16",)


def test_unspecified_falls_back_to_the_text_not_the_federal_head_office() -> None:
    regions = INFER.infer(federal_tender("*Unspecified", title="Snow removal at the Rimouski wharf"))
    assert regions.codes == ("01",)
    assert regions.evidence[0].how == "title mentions Rimouski"


def test_empty_labels_and_nothing_else_leave_only_a_weak_head_office_guess() -> None:
    regions = INFER.infer(federal_tender(title="Software licences"))
    assert all(e.confidence < 0.5 for e in regions.evidence)


def test_raw_multi_line_label_cell_is_read_line_by_line() -> None:
    regions = INFER.infer(federal_tender("*Gatineau\n*National Capital Region (NCR)"))
    assert regions.codes == ("07",)


def test_a_town_in_the_title_beats_the_province_wide_label_which_stays_as_weaker_evidence() -> None:
    title = "Services de nettoyage – Édifice fédéral, Rimouski (Qc)"
    regions = INFER.infer(federal_tender("*Quebec (except NCR)", "*Québec (sauf RCN)", title=title))

    assert regions.scope is Scope.REGIONS and regions.codes == ("01",)
    main, *rest = regions.evidence
    assert (main.code, main.how) == ("01", "title mentions Rimouski")
    [province] = [e for e in rest if e.code == QUEBEC_WIDE]
    assert province.how == "CanadaBuys delivery region: Quebec (except NCR) (province-wide)"
    assert province.confidence < main.confidence


def test_a_federal_site_whose_description_names_its_town_is_in_that_towns_region() -> None:
    shredding = replace(
        federal_tender(
            "*Quebec (except NCR)", title="Secure On-Site Document Shredding Services – Maurice Lamontagne Institute"
        ),
        title=Text(
            "Services de déchiquetage sécurisé de documents sur place – Institut Maurice-Lamontagne",
            "Secure On-Site Document Shredding Services – Maurice Lamontagne Institute",
        ),
        description=Text("L’Institut Maurice-Lamontagne de Pêches et Océans Canada, à Mont-Joli (Québec), requiert…"),
    )

    regions = INFER.infer(shredding)

    assert regions.scope is Scope.REGIONS and regions.codes == ("01",)
    assert regions.evidence[0].how == "description mentions Mont-Joli"


def test_a_delivery_town_beside_the_province_label_is_the_tenders_region() -> None:
    regions = INFER.infer(federal_tender("*Rimouski", "*Quebec (except NCR)", "*Québec (sauf RCN)"))

    assert regions.scope is Scope.REGIONS and regions.codes == ("01",)
    assert regions.evidence[-1].code == QUEBEC_WIDE


def test_the_province_wide_label_alone_still_says_all_of_quebec() -> None:
    regions = INFER.infer(federal_tender("*Quebec (except NCR)", title="Laundry services for federal offices"))

    assert regions.scope is Scope.ALL_QUEBEC and regions.codes == ()
