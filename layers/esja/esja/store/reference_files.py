"""Reference files cached in S3 (the official municipalities list), with when and what was fetched."""

from __future__ import annotations

from contextlib import suppress
from datetime import datetime
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from esja.ingest.reference_data import CachedFile

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


class ReferenceFiles:
    def __init__(self, bucket: str, client: S3Client) -> None:
        self._bucket = bucket
        self._client = client

    def read(self, name: str) -> CachedFile | None:
        """The cached copy, or None (absent, or S3 unavailable: the caller has fallbacks)."""
        try:
            answer = self._client.get_object(Bucket=self._bucket, Key=name)
        except (ClientError, BotoCoreError):  # absent, or S3 unreachable: the caller has fallbacks
            return None
        metadata = answer.get("Metadata", {})
        fetched_at = metadata.get("fetched-at")
        if not fetched_at:
            return None
        return CachedFile(answer["Body"].read(), datetime.fromisoformat(fetched_at), metadata.get("etag") or None)

    def write(self, name: str, file: CachedFile) -> None:
        metadata = {"fetched-at": file.fetched_at.isoformat()}
        if file.etag:
            metadata["etag"] = file.etag
        with suppress(ClientError, BotoCoreError):  # only a cache: the next cold start fetches again
            self._client.put_object(Bucket=self._bucket, Key=name, Body=file.body, Metadata=metadata)
