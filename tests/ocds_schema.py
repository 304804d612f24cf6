"""The OCDS 1.1.5 release-package schema, read from ../shared/data (never copied into the project), as a
jsonschema validator: formats checked (date-time), and every address checked as a web address."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

URI_KEYS = frozenset({"uri", "url", "license"})


def release_package_validator(shared_data: Path) -> Draft4Validator:
    folder = shared_data / "ocds" / "schema-1.1.5"
    package = json.loads((folder / "release-package-schema.json").read_text(encoding="utf-8"))
    release = json.loads((folder / "release-schema.json").read_text(encoding="utf-8"))
    registry: Registry[Any] = Registry().with_resource(
        release["id"], Resource.from_contents(release, default_specification=DRAFT4)
    )
    return Draft4Validator(package, registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER)


def problems(validator: Draft4Validator, package: Any) -> list[str]:
    """Every schema error (with its place), and every address that is not a web address (jsonschema checks
    the `uri` format only with a package ESJA does not need)."""
    found = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(package)]
    for path, value in _addresses(package, ""):
        parts = urlsplit(value)
        if parts.scheme not in ("https", "http") or not parts.netloc:
            found.append(f"{path}: not a web address: {value!r}")
    return found


def _addresses(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in URI_KEYS and isinstance(inner, str):
                yield f"{path}/{key}", inner
            else:
                yield from _addresses(inner, f"{path}/{key}")
    elif isinstance(value, list):
        for n, inner in enumerate(value):
            yield from _addresses(inner, f"{path}/{n}")
