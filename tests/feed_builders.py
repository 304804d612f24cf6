"""Small feeds in the publishers' real shapes, for tests that need exact control of their content."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from tests.conftest import SHARED_DATA


def seao_release(
    ocid: str,
    release_id: str,
    title: str = "Entretien ménager des édifices municipaux",
    *,
    tag: str = "tender",
    status: str = "active",
    closing: str = "2099-01-15T10:00:00-05:00",
    buyer: str = "Ville de Rimouski",
) -> dict[str, Any]:
    date = f"{release_id[:4]}-{release_id[4:6]}-{release_id[6:8]}T{release_id[8:10]}:{release_id[10:12]}:00+00:00"
    return {
        "ocid": ocid,
        "id": release_id,
        "date": date,
        "tag": [tag],
        "initiationType": "tender",
        "parties": [{"name": buyer, "id": "OP-1", "roles": ["buyer"], "details": {"municipal": "1"}}],
        "buyer": {"name": buyer, "id": "OP-1"},
        "tender": {
            "id": "2026-01 ",
            "title": title,
            "status": status,
            "procuringEntity": {"name": buyer, "id": "OP-1"},
            "items": [
                {
                    "id": "S9",
                    "description": "S9 - Entretien, réparation, modification, réfection et installation",
                    "classification": {"scheme": "UNSPSC", "id": "76111500", "description": "Services de nettoyage"},
                }
            ],
            "procurementMethod": "open",
            "procurementMethodDetails": "Avis d’appel d’offres",
            "mainProcurementCategory": "services",
            "additionalProcurementCategories": ["Services de nature technique"],
            "tenderPeriod": {"startDate": date, "endDate": closing, "durationInDay": 30},
            "documents": [{"url": f"https://seao.gouv.qc.ca/avis-resultat-recherche/consulter?ItemId={ocid}"}],
        },
        "language": "fr",
    }


def seao_package(*releases: dict[str, Any]) -> bytes:
    package = {
        "uri": "https://www.donneesquebec.ca/recherche/dataset/x/resource/y/download/hebdo.json",
        "version": "1.1",
        "publishedDate": "2026-11-23T01:17:45-05:00",
        "publisher": {"name": "Secrétariat du Conseil du trésor"},
        "license": "https://www.donneesquebec.ca/fr/licence/#cc-by",
        "releases": list(releases),
    }
    return json.dumps(package, ensure_ascii=False, indent=2).encode()


def canadabuys_header() -> list[str]:
    """The exact 67-column header, read from the real publisher file in ../shared/data."""
    path = SHARED_DATA / "canadabuys" / "newTenderNotice-nouvelAvisAppelOffres_2024-12-09_excerpt.csv"
    with Path(path).open(encoding="utf-8-sig", newline="") as file:
        return next(csv.reader(file))


def canadabuys_csv(*rows: dict[str, str]) -> bytes:
    header = canadabuys_header()
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    return out.getvalue().encode()


def canadabuys_row(reference: str, amendment: str = "000", title: str = "Janitorial services") -> dict[str, str]:
    return {
        "title-titre-eng": title,
        "title-titre-fra": "Services de conciergerie",
        "referenceNumber-numeroReference": reference,
        "amendmentNumber-numeroModification": amendment,
        "solicitationNumber-numeroSollicitation": "W0001-26",
        "publicationDate-datePublication": "2026-11-23",
        "tenderClosingDate-appelOffresDateCloture": "2099-01-15T14:00:00",
        "tenderStatus-appelOffresStatut-eng": "Open",
        "tenderStatus-appelOffresStatut-fra": "Ouvert",
        "unspsc": "*76111500",
        "unspscDescription-eng": "*Cleaning services",
        "unspscDescription-fra": "*Services de nettoyage",
        "procurementCategory-categorieApprovisionnement": "*SRV",
        "regionsOfDelivery-regionsLivraison-eng": "*Quebec (except NCR)",
        "regionsOfDelivery-regionsLivraison-fra": "*Québec (sauf RCN)",
        "contractingEntityName-nomEntitContractante-eng": "Parks Canada",
        "contractingEntityName-nomEntitContractante-fra": "Parcs Canada",
    }
