"""Settings.from_env(): the one reader of os.environ, called once per container at cold start."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from esja.sources.catalogue import DEFAULT_FEEDS, FeedConfig


class ConfigurationError(Exception):
    """A required setting is missing or malformed; raised at cold start, naming the variable."""


@dataclass(frozen=True, slots=True)
class Settings:
    tenders_table: str
    feeds_table: str
    match_queue_url: str
    feeds: Mapping[str, FeedConfig] = field(default_factory=lambda: dict(DEFAULT_FEEDS))
    http_timeout_seconds: float = 30.0
    http_retries: int = 2
    max_feed_bytes: int = 100 * 1024 * 1024
    seao_backfill_weeks: int = 1

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Read the environment; explicit keyword arguments win over it (CLI flags, tests)."""
        env = os.environ if environ is None else environ

        def required(name: str) -> str:
            value = env.get(name, "").strip()
            if not value:
                raise ConfigurationError(f"environment variable {name} is required but not set")
            return value

        def number(name: str, default: float) -> float:
            raw = env.get(name)
            try:
                return float(raw) if raw else default
            except ValueError:
                raise ConfigurationError(f"environment variable {name} must be a number, got {raw!r}") from None

        values: dict[str, object] = {
            "tenders_table": overrides.pop("tenders_table", None) or required("TENDERS_TABLE"),
            "feeds_table": overrides.pop("feeds_table", None) or required("FEEDS_TABLE"),
            "match_queue_url": overrides.pop("match_queue_url", None) or required("MATCH_QUEUE_URL"),
            "feeds": _feeds(env.get("FEEDS")),
            "http_timeout_seconds": number("HTTP_TIMEOUT_SECONDS", 30.0),
            "http_retries": int(number("HTTP_RETRIES", 2)),
            "max_feed_bytes": int(number("MAX_FEED_BYTES", 100 * 1024 * 1024)),
            "seao_backfill_weeks": int(number("SEAO_BACKFILL_WEEKS", 1)),
        }
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]


def _feeds(raw: str | None) -> dict[str, FeedConfig]:
    """The built-in feeds, plus or overridden by FEEDS: {"name": {"format": "ocds", "url": "…"}}."""
    feeds = dict(DEFAULT_FEEDS)
    if not raw:
        return feeds
    try:
        extra = json.loads(raw)
        for name, spec in extra.items():
            base = feeds.get(name)
            feeds[name] = FeedConfig(
                name=name,
                format=spec.get("format") or (base.format if base else ""),
                url=spec.get("url") or (base.url if base else ""),
            )
            feeds[name].validate()
    except (ValueError, AttributeError, TypeError) as error:
        raise ConfigurationError(f"environment variable FEEDS is not valid: {error}") from None
    return feeds
