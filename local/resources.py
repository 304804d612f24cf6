"""The embedded runtime's bootstrap: the tables, queues and buckets of template.yaml, created on the
clients it is given (moto locally), and each function's environment resolved against them. The
template is the one source of truth for keys and indexes, so local and cloud cannot drift."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from local.template import (
    NO_VALUE,
    Resolver,
    Template,
    TemplateError,
    as_string,
    load_template,
    parameter_values,
    referenced_ids,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sqs import SQSClient

__all__ = [
    "LocalResource",
    "LocalResources",
    "TemplateError",
    "create_resources",
    "function_environment",
    "load_template",
]

TABLE, QUEUE, BUCKET = "AWS::DynamoDB::Table", "AWS::SQS::Queue", "AWS::S3::Bucket"
_FUNCTION_TYPES = ("AWS::Serverless::Function", "AWS::Lambda::Function")
_DEFAULT_ACCOUNT_ID = "123456789012"  # moto's, until a created resource's ARN says otherwise


@dataclass(frozen=True, slots=True)
class LocalResource:
    type: str
    name: str  # the physical name: table, queue or bucket name
    arn: str
    url: str | None = None  # queues only
    attributes: Mapping[str, str] = field(default_factory=dict)  # what Fn::GetAtt gives

    @property
    def ref(self) -> str:
        """What !Ref gives: a queue's URL, a table's or bucket's name."""
        return self.url or self.name


@dataclass(frozen=True, slots=True)
class LocalResources:
    """Logical id → the resource created for it, and the parameter values it was created with."""

    prefix: str
    region: str
    parameters: Mapping[str, str]
    by_logical_id: Mapping[str, LocalResource] = field(default_factory=dict)

    @property
    def names(self) -> Mapping[str, str]:
        """Logical id → physical name (table, queue or bucket name)."""
        return MappingProxyType({key: value.name for key, value in self.by_logical_id.items()})

    @property
    def arns(self) -> Mapping[str, str]:
        return MappingProxyType({key: value.arn for key, value in self.by_logical_id.items()})

    @property
    def queue_urls(self) -> Mapping[str, str]:
        return MappingProxyType({key: value.url for key, value in self.by_logical_id.items() if value.url})

    def of_type(self, resource_type: str) -> dict[str, str]:
        """Logical id → physical name of every created resource of a type (TABLE, QUEUE, BUCKET)."""
        return {key: value.name for key, value in self.by_logical_id.items() if value.type == resource_type}

    @property
    def account_id(self) -> str:
        arns = (value.arn.split(":") for value in self.by_logical_id.values())
        return next((parts[4] for parts in arns if len(parts) > 4 and parts[4]), _DEFAULT_ACCOUNT_ID)

    def ref(self, logical_id: str) -> str:
        """A resource not created locally (a function, a topic) gets the local naming convention."""
        created = self.by_logical_id.get(logical_id)
        return created.ref if created else f"{self.prefix}-{logical_id}"

    def get_att(self, logical_id: str, attribute: str) -> str:
        if logical_id not in self.by_logical_id:
            raise TemplateError(f"{logical_id}.{attribute}: {logical_id} is not created locally")
        attributes = self.by_logical_id[logical_id].attributes
        if attribute not in attributes:
            raise TemplateError(f"{logical_id}.{attribute} is unknown locally (known: {', '.join(attributes)})")
        return attributes[attribute]

    def resolver(self, template: Template) -> Resolver:
        pseudo = {
            "AWS::Region": self.region,
            "AWS::AccountId": self.account_id,
            "AWS::Partition": "aws",
            "AWS::StackName": self.prefix,
            "AWS::URLSuffix": "amazonaws.com",
        }
        return Resolver(template, {**pseudo, **self.parameters}, self)


def create_resources(
    template: Template,
    *,
    dynamodb: DynamoDBClient,
    sqs: SQSClient,
    s3: S3Client,
    prefix: str = "esja-local",
    parameters: Mapping[str, str] | None = None,
) -> LocalResources:
    """Create every table, queue and bucket of the template, named `<prefix>-<LogicalId>` (buckets in
    lower case), referenced resources first. Existing ones of the same name are reused as they are."""
    region = dynamodb.meta.region_name
    creators: dict[str, Callable[[str, dict[str, Any]], LocalResource]] = {
        TABLE: partial(_create_table, dynamodb),
        QUEUE: partial(_create_queue, sqs),
        BUCKET: partial(_create_bucket, s3, region),
    }
    created = LocalResources(prefix, region, MappingProxyType(parameter_values(template, parameters)))
    for logical_id in _creation_order(template, set(creators)):
        resource = template["Resources"][logical_id]
        resolver = created.resolver(template)
        if "Condition" in resource and not resolver.condition(resource["Condition"]):
            continue
        properties = resolver.resolve(resource.get("Properties", {}))
        made = creators[resource["Type"]](f"{prefix}-{logical_id}", properties)
        created = replace(created, by_logical_id=MappingProxyType({**created.by_logical_id, logical_id: made}))
    return created


def function_environment(
    template: Template,
    logical_id: str,
    resources: LocalResources,
    *,
    overrides: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The function's Globals + own Environment Variables, resolved against the created resources.
    Overrides win and are not resolved (AWS_ENDPOINT_URL, or a value only the caller knows)."""
    function = template["Resources"].get(logical_id)
    if not isinstance(function, dict) or function.get("Type") not in _FUNCTION_TYPES:
        raise TemplateError(f"{logical_id} is not a function of the template")
    variables = _variables(template.get("Globals", {}).get("Function", {})) if "Serverless" in function["Type"] else {}
    variables |= _variables(function.get("Properties", {}))
    resolver = resources.resolver(template)
    environment = {}
    for name, value in variables.items():
        if name in (overrides or {}):
            continue
        resolved = resolver.resolve(value)
        if resolved is not NO_VALUE:
            environment[name] = as_string(resolved)
    return environment | dict(overrides or {})


def _creation_order(template: Template, creatable_types: set[str]) -> list[str]:
    """Template order, except that a resource comes after those it refers to (a queue after its DLQ)."""
    creatable = {key: value for key, value in template["Resources"].items() if value.get("Type") in creatable_types}
    waiting = {key: (referenced_ids(value) & creatable.keys()) - {key} for key, value in creatable.items()}
    order: list[str] = []
    while waiting:
        ready = [key for key, needs in waiting.items() if needs <= set(order)]
        if not ready:
            raise TemplateError(f"circular references between {', '.join(waiting)}")
        order.extend(ready)
        for key in ready:
            del waiting[key]
    return order


_INDEX_KEYS = ("IndexName", "KeySchema", "Projection", "ProvisionedThroughput", "OnDemandThroughput")


def _create_table(dynamodb: DynamoDBClient, name: str, properties: dict[str, Any]) -> LocalResource:
    request: dict[str, Any] = {
        key: properties[key]
        for key in ("AttributeDefinitions", "KeySchema", "BillingMode", "ProvisionedThroughput")
        if key in properties
    }
    for kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        if properties.get(kind):
            request[kind] = [{key: index[key] for key in _INDEX_KEYS if key in index} for index in properties[kind]]
    if "StreamSpecification" in properties:
        view = properties["StreamSpecification"]["StreamViewType"]
        request["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": view}
    try:
        table = dynamodb.create_table(TableName=name, **request)["TableDescription"]
    except ClientError as error:
        if error.response["Error"]["Code"] != "ResourceInUseException":
            raise
        table = dynamodb.describe_table(TableName=name)["Table"]
    ttl = properties.get("TimeToLiveSpecification")
    if ttl and _flag(ttl.get("Enabled")):
        spec = {"AttributeName": ttl["AttributeName"], "Enabled": True}
        dynamodb.update_time_to_live(TableName=name, TimeToLiveSpecification=spec)  # type: ignore[arg-type]
    attributes = {"Arn": table["TableArn"]}
    if "LatestStreamArn" in table:
        attributes["StreamArn"] = table["LatestStreamArn"]
    return LocalResource(TABLE, name, table["TableArn"], attributes=MappingProxyType(attributes))


# Queue properties that are queue attributes under the same name; KMS keys are not created locally.
_QUEUE_ATTRIBUTES = (
    "ContentBasedDeduplication",
    "DeduplicationScope",
    "DelaySeconds",
    "FifoQueue",
    "FifoThroughputLimit",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "SqsManagedSseEnabled",
    "VisibilityTimeout",
)


def _create_queue(sqs: SQSClient, name: str, properties: dict[str, Any]) -> LocalResource:
    attributes = {key: as_string(properties[key]) for key in _QUEUE_ATTRIBUTES if key in properties}
    for key in ("RedrivePolicy", "RedriveAllowPolicy"):
        if key in properties:  # JSON in the template, a JSON string for the API
            value = properties[key]
            attributes[key] = value if isinstance(value, str) else json.dumps(value)
    if _flag(properties.get("FifoQueue")):
        name += ".fifo"
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]  # type: ignore[arg-type]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    get_att = {"Arn": arn, "QueueName": name, "QueueUrl": url}
    return LocalResource(QUEUE, name, arn, url=url, attributes=MappingProxyType(get_att))


def _create_bucket(s3: S3Client, region: str, name: str, properties: dict[str, Any]) -> LocalResource:
    name = name.lower()  # S3 refuses capitals in bucket names
    try:
        if region == "us-east-1":
            s3.create_bucket(Bucket=name)
        else:
            location: Any = {"LocationConstraint": region}
            s3.create_bucket(Bucket=name, CreateBucketConfiguration=location)
    except ClientError as error:
        if error.response["Error"]["Code"] != "BucketAlreadyOwnedByYou":
            raise
    if properties.get("VersioningConfiguration", {}).get("Status") == "Enabled":
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    arn = f"arn:aws:s3:::{name}"
    get_att = {
        "Arn": arn,
        "DomainName": f"{name}.s3.amazonaws.com",
        "RegionalDomainName": f"{name}.s3.{region}.amazonaws.com",
    }
    return LocalResource(BUCKET, name, arn, attributes=MappingProxyType(get_att))


def _variables(properties: Mapping[str, Any]) -> dict[str, Any]:
    return dict(properties.get("Environment", {}).get("Variables", {}))


def _flag(value: Any) -> bool:
    """A CloudFormation boolean, which may arrive as true or as "true"."""
    return value is True or str(value).lower() == "true"
