"""The embedded runtime: AWS on moto in-process, resources created from template.yaml, and handlers
called in-process with the events AWS would send them (no Docker needed)."""

from __future__ import annotations

import importlib.util
import os
import sys
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3

from local.resources import LocalResources, create_resources, function_environment, load_template

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "template.yaml"
REGION = "ca-central-1"
# Quiet, credential-free settings for moto; an explicit environment still wins.
LOCAL_ENVIRONMENT = {
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    # Local runs never reach the real publishers: a refused connection, so the bundled tables serve.
    "MUNICIPALITIES_URL": "http://127.0.0.1:9/MUN.csv",
}
# What stands in locally for the template's secrets: every function's local environment has it.
LOCAL_SECRETS = {
    # The keyed hash of addresses (esja.people.keys): AddressKeySecret in AWS; this setting wins over its ARN.
    "ADDRESS_KEY_SECRET": "local-only-address-key-secret-not-a-secret",
}


@dataclass(frozen=True, slots=True)
class FakeLambdaContext:
    function_name: str
    memory_limit_in_mb: int = 1024
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{REGION}:123456789012:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return 900_000


@dataclass(slots=True)
class LocalAws:
    template: dict[str, Any]
    resources: LocalResources
    session: boto3.Session
    _containers: dict[str, ModuleType] = field(default_factory=dict)

    def client(self, service: str) -> Any:
        return self.session.client(service)  # type: ignore[call-overload]

    def environment(self, function: str, **overrides: str) -> dict[str, str]:
        return {**function_environment(self.template, function, self.resources), **LOCAL_SECRETS, **overrides}

    def invoke(
        self, function: str, event: Mapping[str, Any], env: Mapping[str, str] | None = None, *, cold: bool = False
    ) -> Any:
        """Call a function's handler as Lambda would, with `env` added to its environment from the template;
        one warm container per function unless `cold`."""
        properties = self.template["Resources"][function]["Properties"]
        module_file, handler_name = properties["Handler"].rsplit(".", 1)
        with environment(self.environment(function, **(env or {}))):
            module = None if cold else self._containers.get(function)
            if module is None:
                module = _load(ROOT / properties["CodeUri"] / f"{module_file}.py", f"esja_fn_{function}")
                self._containers[function] = module
            return getattr(module, handler_name)(dict(event), FakeLambdaContext(function))

    def retire(self, function: str) -> None:
        """The function's next invocation starts a new container (it reads its environment again)."""
        self._containers.pop(function, None)

    def deliver_queue(self, function: str, queue: str, env: Mapping[str, str] | None = None) -> int:
        """Play Lambda's SQS event source mapping: receive batches of 10, invoke, delete what succeeded.
        Returns the number of messages handled; failed ones stay on the queue (their retry)."""
        sqs = self.client("sqs")
        url, arn = self.resources.queue_urls[queue], self.resources.arns[queue]
        handled = 0
        while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"]).get(
            "Messages", []
        ):
            event = {"Records": [_sqs_record(m, arn) for m in messages]}
            answer = self.invoke(function, event, env)
            failed = {f["itemIdentifier"] for f in answer.get("batchItemFailures", [])}
            done = [m for m in messages if m["MessageId"] not in failed]
            if done:
                sqs.delete_message_batch(
                    QueueUrl=url, Entries=[{"Id": m["MessageId"], "ReceiptHandle": m["ReceiptHandle"]} for m in done]
                )
            handled += len(done)
        return handled


def _sqs_record(message: Mapping[str, Any], arn: str) -> dict[str, Any]:
    """A message as Lambda's SQS event source hands it to the function."""
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": message.get("Attributes", {}),
        "messageAttributes": {},
        "md5OfBody": message["MD5OfBody"],
        "eventSource": "aws:sqs",
        "eventSourceARN": arn,
        "awsRegion": REGION,
    }


@contextmanager
def local_aws(template_path: Path = TEMPLATE) -> Iterator[LocalAws]:
    """moto in-process with every table, queue and bucket of template.yaml created."""
    from moto import mock_aws  # only the local runtime and the tests import moto

    with environment(LOCAL_ENVIRONMENT), mock_aws():
        session = _session()
        template = load_template(template_path)
        resources = create_resources(
            template,
            dynamodb=session.client("dynamodb"),
            sqs=session.client("sqs"),
            s3=session.client("s3"),
        )
        yield LocalAws(template, resources, session)


@lru_cache(maxsize=1)
def _session() -> boto3.Session:
    """One session for every moto world of a process: it loads botocore's service models once, not for each
    client (moto, imported by then, stubs every client a session makes while a world is on)."""
    return boto3.Session(region_name=REGION)


@contextmanager
def environment(values: Mapping[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load handler {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
