"""The organizers' weekly digest, and the links it draws between pledges, tenders and outcomes.

signatories: which tenders' buyers signed the pledge. outcomes: contracts won by registered
enterprises. sections: every figure of a week beside the previous week's, from plain data.
compose: the e-mail and its archive page. service: one digest per organizer and week, sent once.
"""
