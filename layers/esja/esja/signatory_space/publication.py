"""Where ESJA publishes the invitations: each one's public page, the OCDS package, and their ocids.

The ocid prefix is ESJA's own, registered once with the Open Contracting Partnership's data support team
(`ocds-` and six characters, free on request) and never changed after the first publication: an ocid is
forever. Until one is registered, deployments use the template's placeholder (README, « ESJA as an OCDS
publisher »).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

INVITATIONS_PATH = "/invitations"
INVITATION_PATH = "/invitations/<invitation_id>"  # the web router's rule
OCDS_PACKAGE_PATH = "/ocds/invitations.json"
PLACEHOLDER_OCID_PREFIX = "ocds-esja00"  # not registered: README says how to get ESJA's own
INVITATION_ID = re.compile(r"[0-9a-f]{10}")
# The licence of what ESJA publishes about invitations: the institutions' own words, open to all uses.
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"


@dataclass(frozen=True, slots=True)
class Publication:
    base_url: str  # e.g. https://esja.example.org
    ocid_prefix: str = PLACEHOLDER_OCID_PREFIX

    def ocid(self, invitation_id: str) -> str:
        return f"{self.ocid_prefix}-{invitation_id}"

    def page(self, invitation_id: str, lang: str = "fr") -> str:
        """The invitation's public page; French unless asked otherwise (the page remembers a choice)."""
        url = f"{self.base_url.rstrip('/')}{INVITATIONS_PATH}/{invitation_id}"
        return f"{url}?lang=en" if lang == "en" else url

    @property
    def package(self) -> str:
        return f"{self.base_url.rstrip('/')}{OCDS_PACKAGE_PATH}"
