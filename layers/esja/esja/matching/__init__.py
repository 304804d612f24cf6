"""Matching tenders to enterprise alert profiles: text normalisation, rules, profile index, reasons."""
