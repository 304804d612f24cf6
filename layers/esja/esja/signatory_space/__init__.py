"""The signatories' space (issue 14): what a verified signatory institution does with ESJA.

Invitations (`invitation`, `invitation_form`, `invitations`): a request for quotes or an invitation to
tender, posted by a signatory, published at once on a public page and as OCDS (`ocds_release`), and
stored as a tender of ESJA's own source (`invitation_tender`) so that the match queue and the alerts
treat it as any other.
"""
