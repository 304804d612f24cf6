"""The archive bucket: each digest sent, as the HTML page its e-mail links to."""

from __future__ import annotations

from typing import TYPE_CHECKING

from esja.store.errors import AWS_ERRORS, error_code, store_error

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

HTML = "text/html; charset=utf-8"


class DigestArchive:
    def __init__(self, bucket: str, client: S3Client) -> None:
        self._bucket = bucket
        self._client = client

    def put(self, key: str, page: str) -> None:
        try:
            self._client.put_object(Bucket=self._bucket, Key=key, Body=page.encode("utf-8"), ContentType=HTML)
        except AWS_ERRORS as error:
            raise store_error(error, "archiving a digest") from error

    def keys(self, prefix: str) -> list[str]:
        """Every key under the prefix (a listing: names only, nothing is read)."""
        try:
            pages = self._client.get_paginator("list_objects_v2").paginate(Bucket=self._bucket, Prefix=prefix)
            return [entry["Key"] for page in pages for entry in page.get("Contents", [])]
        except AWS_ERRORS as error:
            raise store_error(error, "listing the archived digests") from error

    def get(self, key: str) -> str | None:
        """The archived page, None if there is none under that key."""
        try:
            answer = self._client.get_object(Bucket=self._bucket, Key=key)
        except AWS_ERRORS as error:
            if error_code(error) in ("NoSuchKey", "404"):
                return None
            raise store_error(error, "reading an archived digest") from error
        return answer["Body"].read().decode("utf-8")
