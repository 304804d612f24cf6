"""Resources created from template.yaml on moto: what the local runtime and the tests stand on."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from esja.config import Settings
from esja.sources.catalogue import DEFAULT_FEEDS
from local.resources import (
    LocalResources,
    TemplateError,
    create_resources,
    function_environment,
    load_template,
)

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = load_template(ROOT / "template.yaml")
FUNCTIONS = [key for key, value in TEMPLATE["Resources"].items() if value["Type"] == "AWS::Serverless::Function"]

# A queue declared before its dead-letter queue, a table with a stream and TTL, a bucket, and a
# resource whose condition is false: the cases template.yaml does not (yet) exercise.
EDGE_CASES = """\
AWSTemplateFormatVersion: 2010-09-09
Conditions:
  Never: !Equals [a, b]
Resources:
  Work:
    Type: AWS::SQS::Queue
    Properties:
      RedrivePolicy:
        deadLetterTargetArn: !GetAtt Parked.Arn
        maxReceiveCount: 3
  Parked:
    Type: AWS::SQS::Queue
  Sessions:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      StreamSpecification: {StreamViewType: NEW_IMAGE}
      TimeToLiveSpecification: {AttributeName: expires_at, Enabled: true}
  Archive:
    Type: AWS::S3::Bucket
  Skipped:
    Type: AWS::SQS::Queue
    Condition: Never
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Environment:
        Variables:
          WORK_QUEUE_ARN: !GetAtt Work.Arn
          ARCHIVE: !Sub "s3://${Archive}/${AWS::Region}/${!literal}"
          STREAM: !Select [0, [!GetAtt Sessions.StreamArn]]
          NAMES: !Join [",", [!Ref Sessions, !GetAtt Parked.QueueName]]
          OPTIONAL: !If [Never, shown, !Ref AWS::NoValue]
"""


@pytest.fixture
def clients(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ca-central-1")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(name, "testing")
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    with mock_aws():  # started before any client exists
        yield {service: boto3.client(service) for service in ("dynamodb", "sqs", "s3")}


@pytest.fixture
def resources(clients: dict[str, Any]) -> LocalResources:
    return create_resources(TEMPLATE, **clients)


@pytest.fixture
def edge_cases(tmp_path: Path) -> dict[str, Any]:
    path = tmp_path / "template.yaml"
    path.write_text(EDGE_CASES, encoding="utf-8")
    return load_template(path)


def resources_of_type(template: dict[str, Any], resource_type: str) -> dict[str, Any]:
    return {key: value for key, value in template["Resources"].items() if value["Type"] == resource_type}


def index_shapes(indexes: list[dict[str, Any]]) -> dict[str, tuple[Any, Any]]:
    return {index["IndexName"]: (index["KeySchema"], index["Projection"]) for index in indexes}


def test_every_table_and_queue_of_the_template_is_created(resources: LocalResources) -> None:
    for resource_type in ("AWS::DynamoDB::Table", "AWS::SQS::Queue"):
        assert resources.of_type(resource_type).keys() == resources_of_type(TEMPLATE, resource_type).keys()
    assert resources.names["TendersTable"] == "esja-local-TendersTable"


def test_tables_have_the_template_keys_and_indexes(clients: dict[str, Any], resources: LocalResources) -> None:
    for logical_id, declared in resources_of_type(TEMPLATE, "AWS::DynamoDB::Table").items():
        expected = declared["Properties"]
        table = clients["dynamodb"].describe_table(TableName=resources.names[logical_id])["Table"]

        assert table["KeySchema"] == expected["KeySchema"]
        assert sorted(table["AttributeDefinitions"], key=str) == sorted(expected["AttributeDefinitions"], key=str)
        assert index_shapes(table.get("GlobalSecondaryIndexes", [])) == index_shapes(
            expected.get("GlobalSecondaryIndexes", [])
        )
        assert table["BillingModeSummary"]["BillingMode"] == expected["BillingMode"]


def test_tenders_are_indexed_for_alerts_and_the_digest(clients: dict[str, Any], resources: LocalResources) -> None:
    table = clients["dynamodb"].describe_table(TableName=resources.names["TendersTable"])["Table"]

    indexes = {i["IndexName"]: [k["AttributeName"] for k in i["KeySchema"]] for i in table["GlobalSecondaryIndexes"]}
    assert indexes == {
        "by_status_closing": ["status", "closing_at"],
        "by_first_seen_week": ["first_seen_week", "tender_key"],
        "by_status_week": ["status_week", "tender_key"],
        "by_buyer_name": ["buyer_name_key", "tender_key"],  # a signatory's own tenders
        "by_buyer_id": ["buyer_id_key", "tender_key"],
    }


def test_match_queue_redrives_to_its_dead_letter_queue(clients: dict[str, Any], resources: LocalResources) -> None:
    attributes = clients["sqs"].get_queue_attributes(
        QueueUrl=resources.queue_urls["MatchQueue"], AttributeNames=["All"]
    )["Attributes"]

    redrive = json.loads(attributes["RedrivePolicy"])
    assert redrive["deadLetterTargetArn"] == resources.arns["MatchDeadLetterQueue"]
    assert int(redrive["maxReceiveCount"]) == 5
    assert attributes["VisibilityTimeout"] == "360"


@pytest.mark.parametrize("function", FUNCTIONS)
def test_function_environment_resolves_every_variable(resources: LocalResources, function: str) -> None:
    declared = {
        **TEMPLATE["Globals"]["Function"]["Environment"]["Variables"],
        **TEMPLATE["Resources"][function]["Properties"]["Environment"]["Variables"],
    }

    environment = function_environment(TEMPLATE, function, resources)

    assert environment.keys() == declared.keys()
    assert all(isinstance(value, str) and value for value in environment.values()), environment


def test_poll_function_points_at_the_local_resources(resources: LocalResources) -> None:
    environment = function_environment(TEMPLATE, "PollTendersFunction", resources)

    settings = Settings.from_env(environment)
    assert settings.tenders_table == resources.names["TendersTable"]
    assert settings.feeds_table == resources.names["FeedsTable"]
    assert settings.match_queue_url == resources.queue_urls["MatchQueue"]
    assert dict(settings.feeds) == DEFAULT_FEEDS


def test_a_parameter_override_reaches_the_feeds(clients: dict[str, Any]) -> None:
    local_url = "http://127.0.0.1:8765/ckan/package_show"
    resources = create_resources(TEMPLATE, **clients, parameters={"SeaoFeedUrl": local_url})

    environment = function_environment(TEMPLATE, "PollTendersFunction", resources)

    assert Settings.from_env(environment).feeds["seao"].url == local_url


def test_environment_overrides_win_unresolved(resources: LocalResources) -> None:
    environment = function_environment(
        TEMPLATE, "PollTendersFunction", resources, overrides={"AWS_ENDPOINT_URL": "http://127.0.0.1:5000"}
    )

    assert environment["AWS_ENDPOINT_URL"] == "http://127.0.0.1:5000"


def test_creating_twice_reuses_the_resources(clients: dict[str, Any], resources: LocalResources) -> None:
    again = create_resources(TEMPLATE, **clients)

    assert again.by_logical_id == resources.by_logical_id


def test_a_dead_letter_queue_declared_later_is_created_first(
    clients: dict[str, Any], edge_cases: dict[str, Any]
) -> None:
    resources = create_resources(edge_cases, **clients)

    attributes = clients["sqs"].get_queue_attributes(
        QueueUrl=resources.queue_urls["Work"], AttributeNames=["RedrivePolicy"]
    )
    redrive = json.loads(attributes["Attributes"]["RedrivePolicy"])
    assert redrive["deadLetterTargetArn"] == resources.arns["Parked"]


def test_table_stream_ttl_and_bucket_are_created(clients: dict[str, Any], edge_cases: dict[str, Any]) -> None:
    resources = create_resources(edge_cases, **clients)

    ttl = clients["dynamodb"].describe_time_to_live(TableName=resources.names["Sessions"])
    assert ttl["TimeToLiveDescription"] == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires_at"}
    assert resources.get_att("Sessions", "StreamArn").startswith("arn:aws:dynamodb:ca-central-1:")
    clients["s3"].head_bucket(Bucket="esja-local-archive")  # bucket names are lower case
    assert "Skipped" not in resources.by_logical_id


def test_intrinsic_functions_in_an_environment_are_resolved(
    clients: dict[str, Any], edge_cases: dict[str, Any]
) -> None:
    resources = create_resources(edge_cases, **clients)

    environment = function_environment(edge_cases, "Worker", resources)

    assert environment == {
        "WORK_QUEUE_ARN": resources.arns["Work"],
        "ARCHIVE": "s3://esja-local-archive/ca-central-1/${literal}",
        "STREAM": resources.get_att("Sessions", "StreamArn"),
        "NAMES": "esja-local-Sessions,esja-local-Parked",
    }


def test_short_tags_load_as_cloudformation_json(edge_cases: dict[str, Any]) -> None:
    assert edge_cases["AWSTemplateFormatVersion"] == "2010-09-09"  # a string, as CloudFormation reads it
    assert edge_cases["Conditions"]["Never"] == {"Fn::Equals": ["a", "b"]}
    variables = edge_cases["Resources"]["Worker"]["Properties"]["Environment"]["Variables"]
    assert variables["WORK_QUEUE_ARN"] == {"Fn::GetAtt": ["Work", "Arn"]}
    assert variables["OPTIONAL"] == {"Fn::If": ["Never", "shown", {"Ref": "AWS::NoValue"}]}


def test_a_reference_to_nothing_is_reported(resources: LocalResources) -> None:
    template = json.loads(json.dumps(TEMPLATE))
    template["Resources"]["PollTendersFunction"]["Properties"]["Environment"]["Variables"]["X"] = {"Ref": "TenderTable"}

    with pytest.raises(TemplateError, match="TenderTable"):
        function_environment(template, "PollTendersFunction", resources)
