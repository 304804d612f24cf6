"""The public directory (/repertoire): the enterprises that chose to be listed, what they chose to show, and
how the public, the signatories and the organizers find them (issue 13).

- listing.py      what an enterprise shows (Listing), as stored (ListingRecord), as the public sees it
                  (DirectoryEntry), and the append-only record of its choices (ListingChoice)
- form.py         the listing form → a Listing, or the errors of each field
- space.py        the enterprise's own listing in its space: edit, preview, save, publish, withdraw
- moderation.py   an organizer takes an abusive listing down, or lifts the take-down
- search.py       the directory's search in memory: words (stemmed like the matcher's), region, category,
                  code family
- public.py       the read model: every listed entry read whole, cached per container until the directory's
                  version moves; the public pages' and the signatories' one query of « listed enterprises »
"""
