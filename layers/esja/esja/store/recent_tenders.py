"""The recent tenders' snapshot (esja.matching.recent) in the reference bucket: written after each poll
only over the version read before it (S3 conditional writes), read by the web function conditionally."""

from __future__ import annotations

from typing import TYPE_CHECKING

from esja.enterprise_space.recent_tenders import NOT_MODIFIED, NotModified, StoredSnapshot
from esja.store.errors import AWS_ERRORS, error_code, store_error

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

SNAPSHOT_KEY = "matching/recent-tenders.json.gz"
GZIP = "application/gzip"
_ABSENT = ("NoSuchKey", "404")
# Another writer got there first: S3 answers 412 to a failed If-Match / If-None-Match, 409 to a race.
_SUPERSEDED = ("PreconditionFailed", "412", "ConditionalRequestConflict", "409")


class RecentTendersObject:
    def __init__(self, bucket: str, client: S3Client, key: str = SNAPSHOT_KEY) -> None:
        self._bucket = bucket
        self._client = client
        self._key = key

    def version(self) -> str | None:
        try:
            return self._client.head_object(Bucket=self._bucket, Key=self._key)["ETag"]
        except AWS_ERRORS as error:
            if error_code(error) in _ABSENT:
                return None
            raise store_error(error, "reading the recent tenders' snapshot version") from error

    def replace(self, data: bytes, version: str | None) -> bool:
        try:
            bucket, key = self._bucket, self._key
            if version is None:
                self._client.put_object(Bucket=bucket, Key=key, Body=data, ContentType=GZIP, IfNoneMatch="*")
            else:
                self._client.put_object(Bucket=bucket, Key=key, Body=data, ContentType=GZIP, IfMatch=version)
        except AWS_ERRORS as error:
            if error_code(error) in _SUPERSEDED:
                return False
            raise store_error(error, "writing the recent tenders' snapshot") from error
        return True

    def read(self, unless: str | None) -> StoredSnapshot | NotModified | None:
        try:
            if unless is None:
                answer = self._client.get_object(Bucket=self._bucket, Key=self._key)
            else:
                answer = self._client.get_object(Bucket=self._bucket, Key=self._key, IfNoneMatch=unless)
            return StoredSnapshot(answer["Body"].read(), answer["ETag"])
        except AWS_ERRORS as error:
            code = error_code(error)
            if code in ("304", "NotModified"):
                return NOT_MODIFIED
            if code in _ABSENT:
                return None
            raise store_error(error, "reading the recent tenders' snapshot") from error
