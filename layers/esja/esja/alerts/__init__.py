"""E-mail alerts to enterprises: who gets what (plan), in which words (compose), sent exactly once (service).

The domain here takes plain records (enterprises, stored match items, tenders, preferences) and returns
plain records; the stores, SES and the web are adapters around it.
"""
