"""Claiming a week's digest for an organizer before sending it: what the send record said."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

# A claim still « preparing » after this long belongs to a run that died before asking SES (a Lambda
# runs 15 minutes at the most): the next run may take it over.
PREPARING_TIMEOUT = timedelta(minutes=15)


class Claim(StrEnum):
    CLAIMED = "claimed"  # ours to send
    SENT = "already_sent"
    IN_FLIGHT = "in_flight"  # another run is preparing it right now
    IN_DOUBT = "in_doubt"  # a run died while SES was being asked: it may or may not have gone
