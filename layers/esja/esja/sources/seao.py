"""SEAO weekly and monthly JSON (Données Québec) → `Tender`s.

The files are OCDS 1.1 release packages; the generic normaliser in `ocds.py` reads them. This module
only says where SEAO departs from the standard (FORMATS.md §A.7).
"""

from __future__ import annotations

from datetime import UTC, datetime

from esja.sources.fields import Fields
from esja.sources.notice import one_line
from esja.sources.ocds import Dialect, additional_categories, parse_package
from esja.sources.parsed import Drift, Parsed

OCID_PREFIX = "ocds-ec9k95-"


def _release_stamp(release: Fields) -> str:
    """SEAO's release `id` is the UTC time the release was issued, YYYYMMDDhhmmss.

    Its `date` is no use for ordering: on updates and cancellations it repeats the original notice's
    publication date. Without the stamp no release of the ocid can be told from another: rejected.
    """
    stamp = release.id("id")
    if stamp is None or len(stamp) != 14 or not stamp.isdigit():
        raise Drift("release id is not SEAO's YYYYMMDDhhmmss time stamp")
    return stamp


def _issued_at(release: Fields) -> datetime | None:
    """When an addendum was issued. A stamp that orders releases but is no real time (minute 63)
    only loses the addendum's date; it does not cost the tender."""
    stamp = _release_stamp(release)
    try:
        return datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def _categories(tender: Fields) -> tuple[str, ...]:
    """SEAO's own category (« S9 - Entretien, réparation… », in its one item), then the nature
    (« Services professionnels ») it gives in additionalProcurementCategories."""
    items = tender.objects("items")
    label = items[0].text("description") if items else None
    own = (one_line(label),) if label else ()
    return own + additional_categories(tender)


SEAO = Dialect(
    source="seao",
    revision=_release_stamp,
    issued_at=_issued_at,
    category_details=_categories,
    # SEAO writes durationInDay, not the standard's durationInDays.
    duration_key="durationInDay",
)


def parse_seao(data: bytes, *, now: datetime) -> Parsed:
    """A SEAO release package → one tender per ocid, in the state of its latest release."""
    return parse_package(data, SEAO, now=now)
