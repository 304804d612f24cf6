"""The signatories' space (/signataire/): what a verified signatory sees and does for their institution.

The home (`home`): the pledge as it stands. Invitations (`invitation`, `invitation_form`, `invitations`):
a request for quotes or an invitation to tender, published at once on a public page and as OCDS
(`ocds_release`), and stored as a tender of ESJA's own source (`invitation_tender`) so that the match
queue and the alerts treat it as any other.
"""
