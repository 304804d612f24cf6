"""The feeds ESJA knows by name. Any other OCDS publisher is added by configuration (FEEDS, or a
schedule whose input names a format and a URL), without code."""

from __future__ import annotations

from dataclasses import dataclass

FORMATS = ("seao", "canadabuys", "ocds")

SEAO_DATASET_ID = "d23b2e02-085d-43e5-9e6e-e1d558ebfdd5"  # systeme-electronique-dappel-doffres-seao

# ESJA's own feed: the signatories' invitations (esja.signatory_space), stored as tenders by the web when
# posted, never polled. No configured feed may take its name.
INVITATIONS_SOURCE = "esja-invitations"


def is_invitation(tender_key: str) -> bool:
    """Whether a tender key (« source:native id ») names a signatory's invitation."""
    return tender_key.startswith(f"{INVITATIONS_SOURCE}:")


@dataclass(frozen=True, slots=True)
class FeedConfig:
    name: str  # the cursor's key in the Feeds table, and the schedule's "source"
    format: str  # seao (CKAN listing of weekly files), canadabuys (one CSV), ocds (one package)
    url: str

    @property
    def tender_source(self) -> str:
        """The `source` of the tenders it yields: both CanadaBuys files describe the same notices."""
        return self.format if self.format in ("seao", "canadabuys") else self.name

    def validate(self) -> None:
        if self.format not in FORMATS:
            raise ValueError(f"feed {self.name!r}: format must be one of {', '.join(FORMATS)}, got {self.format!r}")
        if self.name == INVITATIONS_SOURCE:
            raise ValueError(f"feed {self.name!r}: the name of ESJA's own invitations, which no feed may take")
        if not self.url.startswith(("https://", "http://")):
            raise ValueError(f"feed {self.name!r}: url must be http(s), got {self.url!r}")


DEFAULT_FEEDS: dict[str, FeedConfig] = {
    feed.name: feed
    for feed in (
        FeedConfig(
            "seao",
            "seao",
            f"https://www.donneesquebec.ca/recherche/api/3/action/package_show?id={SEAO_DATASET_ID}",
        ),
        FeedConfig(
            "canadabuys-new",
            "canadabuys",
            "https://canadabuys.canada.ca/opendata/pub/newTenderNotice-nouvelAvisAppelOffres.csv",
        ),
        FeedConfig(
            "canadabuys-open",
            "canadabuys",
            "https://canadabuys.canada.ca/opendata/pub/openTenderNotice-ouvertAvisAppelOffres.csv",
        ),
    )
}


class UnknownFeed(ValueError):
    """A feed named by neither the catalogue nor a format and URL."""

    def __init__(self, source: str, known: list[str]) -> None:
        self.source, self.known = source, known
        super().__init__(
            f"unknown feed {source!r}: known feeds are {', '.join(known)}; another feed needs a format and a url"
        )


def resolve_feed(
    feeds: dict[str, FeedConfig], source: str, *, fmt: str | None = None, url: str | None = None
) -> FeedConfig:
    """The feed a schedule or an operator names: a known one (its URL may be overridden), or any
    feed given with its format and URL."""
    known = feeds.get(source)
    if known is None and not (fmt and url):
        raise UnknownFeed(source, sorted(feeds))
    feed = FeedConfig(source, fmt or (known.format if known else ""), url or (known.url if known else ""))
    feed.validate()
    return feed
