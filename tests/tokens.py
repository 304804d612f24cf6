"""Altering a signed or random token in tests."""


def altered(token: str) -> str:
    """The token with one character changed that always counts: the fifth from the end, never the last (in
    unpadded base64 the last character's low bits may not count) and never into itself (a suffix written over
    the end, such as "xx", changes nothing when the token already ends that way)."""
    return token[:-5] + ("A" if token[-5] != "A" else "B") + token[-4:]
