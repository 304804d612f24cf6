"""template.yaml lints clean, transforms offline, and keeps its promises: least privilege, schedules
that retry and park failures, alarms on what was parked, feeds that match the catalogue."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import boto3
import pytest
from cfnlint.api import ManualArgs, lint, lint_file
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator

from esja.sources.catalogue import DEFAULT_FEEDS
from local.resources import load_template

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_PATH = ROOT / "template.yaml"
TEMPLATE = load_template(TEMPLATE_PATH)
LINT_CONFIG = ManualArgs(append_rules=["cfn_lint_serverless.rules"], regions=["ca-central-1"])
BASIC_EXECUTION = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
MANAGED_POLICIES = {
    "AWSLambdaBasicExecutionRole": BASIC_EXECUTION,
    "AWSXRayDaemonWriteAccess": "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess",
}
FEED_PARAMETERS = {
    "seao": "SeaoFeedUrl",
    "canadabuys-new": "CanadaBuysNewUrl",
    "canadabuys-open": "CanadaBuysOpenUrl",
}


def resources_of_type(template: dict[str, Any], resource_type: str) -> dict[str, Any]:
    return {key: value for key, value in template["Resources"].items() if value["Type"] == resource_type}


def schedules() -> list[tuple[str, dict[str, Any]]]:
    """(function/event, properties) of every ScheduleV2 event in the template."""
    return [
        (f"{function}/{name}", event["Properties"])
        for function, resource in resources_of_type(TEMPLATE, "AWS::Serverless::Function").items()
        for name, event in resource["Properties"].get("Events", {}).items()
        if event["Type"] == "ScheduleV2"
    ]


@pytest.fixture(scope="module")
def transformed() -> dict[str, Any]:
    """The SAM transform, offline: local code paths become S3 URIs, as `sam validate` does."""
    template = copy.deepcopy(TEMPLATE)
    for logical_id, resource in template["Resources"].items():
        properties = resource.get("Properties", {})
        for key in ("CodeUri", "ContentUri"):
            if isinstance(properties.get(key), str):
                properties[key] = f"s3://esja-artifacts/{logical_id}.zip"
    translator = Translator(None, Parser(), boto_session=boto3.Session(region_name="ca-central-1"))
    result: dict[str, Any] = translator.translate(
        template, parameter_values={}, get_managed_policy_map=lambda: MANAGED_POLICIES
    )
    return result


def role_statements(role: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        statement
        for policy in role["Properties"].get("Policies", [])
        for statement in policy["PolicyDocument"]["Statement"]
    ]


def actions(statement: dict[str, Any]) -> list[str]:
    action = statement["Action"]
    return [action] if isinstance(action, str) else list(action)


def test_cfn_lint_with_the_serverless_rules_finds_nothing() -> None:
    matches = lint_file(TEMPLATE_PATH, config=LINT_CONFIG)

    assert [f"{match.rule.id} {match.message} (line {match.linenumber})" for match in matches] == []


def test_the_serverless_rules_are_loaded() -> None:
    # Guards the test above: were the rules not appended, it would pass on anything.
    bare = {
        "Transform": "AWS::Serverless-2016-10-31",
        "Resources": {
            "Bare": {
                "Type": "AWS::Serverless::Function",
                "Properties": {"InlineCode": "x", "Handler": "app.handler", "Runtime": "python3.12"},
            }
        },
    }

    found = {match.rule.id for match in lint(json.dumps(bare), config=LINT_CONFIG)}

    assert {"WS1000", "WS1004"} <= found


def test_every_lint_exception_gives_its_reason() -> None:
    text = TEMPLATE_PATH.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(text):
        if "ignore_checks:" in line:
            assert text[number - 1].strip().startswith("#"), f"line {number + 1}: say why the check is ignored"


def test_the_sam_transform_leaves_only_cloudformation(transformed: dict[str, Any]) -> None:
    types = {resource["Type"] for resource in transformed["Resources"].values()}

    assert not [kind for kind in types if kind.startswith("AWS::Serverless::")]
    assert {"AWS::Lambda::Function", "AWS::Lambda::LayerVersion", "AWS::Scheduler::Schedule"} <= types


EXPECTED_DYNAMODB_PERMISSIONS = {
    "PollTendersFunctionRole": {
        ("TendersTable", "dynamodb:BatchGetItem"),
        ("TendersTable", "dynamodb:BatchWriteItem"),
        ("TendersTable", "dynamodb:GetItem"),
        ("TendersTable", "dynamodb:PutItem"),
        ("FeedsTable", "dynamodb:GetItem"),
        ("FeedsTable", "dynamodb:PutItem"),
        ("FeedsTable", "dynamodb:UpdateItem"),
        ("TendersTable/index/by_first_seen_week", "dynamodb:Query"),  # the recent tenders' snapshot
    },
    "MatchTendersFunctionRole": {
        ("TendersTable", "dynamodb:GetItem"),
        ("EnterprisesTable", "dynamodb:GetItem"),
        ("EnterprisesTable", "dynamodb:Scan"),  # the profile index is built from every profile
        ("MatchesTable", "dynamodb:PutItem"),
        ("MatchesTable/index/by_tender", "dynamodb:Query"),
    },
    "WebFunctionRole": {
        ("PledgesTable", "dynamodb:GetItem"),
        ("PledgesTable", "dynamodb:PutItem"),
        ("PledgesTable", "dynamodb:UpdateItem"),
        ("PledgesTable", "dynamodb:Scan"),  # the console's list of pledges and their export, for organizers
        ("PledgesTable/index/registry", "dynamodb:Query"),
        ("PledgesTable/index/by_confirmed_key", "dynamodb:Query"),
        ("RateLimitsTable", "dynamodb:UpdateItem"),  # one conditional ADD per hit
        # Unsubscribe and preferences: read the subscriber, append state and consent records.
        ("SubscriptionsTable", "dynamodb:GetItem"),
        ("SubscriptionsTable", "dynamodb:Query"),
        ("SubscriptionsTable", "dynamodb:PutItem"),
        ("TendersTable", "dynamodb:GetItem"),  # « Ajouter à mon agenda »: one tender's closing date
        # Sign-in and sessions: links and sessions put, read, spent or ended by an update (never deleted).
        ("SessionsTable", "dynamodb:GetItem"),
        ("SessionsTable", "dynamodb:PutItem"),
        ("SessionsTable", "dynamodb:UpdateItem"),
        ("SessionsTable/index/by_person", "dynamodb:Query"),
        # The audit log: appended to, read by organizers; never updated or deleted.
        ("AuditTable", "dynamodb:PutItem"),
        ("AuditTable", "dynamodb:Query"),
        # Roles, re-checked on each request: organizers, enterprises' managers, verified signatories.
        ("OrganizersTable", "dynamodb:GetItem"),  # the "organizer" partition only (test below)
        ("OrganizersTable", "dynamodb:Query"),
        # The console's buyer links and institutions' domains: put, marked removed; those partitions only.
        ("OrganizersTable", "dynamodb:PutItem"),
        ("OrganizersTable", "dynamodb:UpdateItem"),
        ("EnterprisesTable", "dynamodb:GetItem"),
        ("EnterprisesTable", "dynamodb:Query"),  # an enterprise's profiles (its space's home)
        ("EnterprisesTable/index/by_manager", "dynamodb:Query"),
        ("PledgesTable/index/by_person", "dynamodb:Query"),
        ("PledgesTable/index/to_verify", "dynamodb:Query"),  # the console's home
        ("FeedsTable", "dynamodb:Scan"),  # a handful of items: the feeds' state on the console's home
        # Was each tender relevant: votes put beside the matches they answer, read by the space and the console.
        ("MatchesTable", "dynamodb:BatchGetItem"),
        ("MatchesTable", "dynamodb:GetItem"),
        ("MatchesTable", "dynamodb:PutItem"),
        ("MatchesTable", "dynamodb:UpdateItem"),  # a contract won confirmed or denied by its enterprise
        # An enterprise's own profiles (each written in a transaction with the catalogue's version), and its people.
        ("EnterprisesTable", "dynamodb:PutItem"),
        ("EnterprisesTable", "dynamodb:DeleteItem"),
        ("EnterprisesTable", "dynamodb:ConditionCheckItem"),
        ("EnterprisesTable", "dynamodb:UpdateItem"),  # the catalogue's version only (its partition key)
        # The directory: listings written on condition of their version, choices appended, the version moved.
        ("DirectoryTable", "dynamodb:GetItem"),
        ("DirectoryTable", "dynamodb:Query"),
        ("DirectoryTable", "dynamodb:PutItem"),
        ("DirectoryTable", "dynamodb:UpdateItem"),
        # The programme report: the weeks' figures (that partition only), the week going on, each enterprise's
        # alerts and contracts won, the enterprises (and the pledges, scanned as the console's list does).
        ("OrganizersTable", "dynamodb:BatchGetItem"),
        ("TendersTable/index/by_first_seen_week", "dynamodb:Query"),
        ("TendersTable/index/by_status_week", "dynamodb:Query"),
        # The console's enterprises: every one read (the list, the import's plan, the removal's survey), saved,
        # a profile or manager item left out deleted, removed in batches; the catalogue's version moved.
        ("EnterprisesTable", "dynamodb:Scan"),  # (the report and the feedback's list too)
        ("EnterprisesTable", "dynamodb:BatchWriteItem"),  # (PutItem, DeleteItem, UpdateItem: the profiles' above)
        # … with its alerts and its people's votes, and what its subscribers' addresses hold for it.
        ("MatchesTable", "dynamodb:Query"),  # (the report too)
        ("MatchesTable", "dynamodb:BatchWriteItem"),
        ("SubscriptionsTable", "dynamodb:UpdateItem"),
        ("SubscriptionsTable", "dynamodb:BatchWriteItem"),
        # The signatories' invitations: each written with its tender in one transaction (conditional).
        ("InvitationsTable", "dynamodb:GetItem"),
        ("InvitationsTable", "dynamodb:PutItem"),
        ("InvitationsTable", "dynamodb:UpdateItem"),  # its announcement recorded
        ("InvitationsTable/index/by_institution", "dynamodb:Query"),
        ("InvitationsTable/index/published", "dynamodb:Query"),  # the OCDS package
        ("TendersTable", "dynamodb:PutItem"),  # invitations' tenders only (dynamodb:LeadingKeys)
        # The rest of the signatories' space: colleagues, reports, deadlines, notices (never deleted).
        ("SignatoriesTable", "dynamodb:GetItem"),
        ("SignatoriesTable", "dynamodb:PutItem"),
        ("SignatoriesTable", "dynamodb:UpdateItem"),
        ("SignatoriesTable", "dynamodb:Query"),
        ("SignatoriesTable/index/by_year", "dynamodb:Query"),  # the console's reports of a year
        ("SignatoriesTable/index/by_person", "dynamodb:Query"),  # whose space a colleague uses, at sign-in
        ("TendersTable/index/by_buyer_name", "dynamodb:Query"),  # an institution's own tenders
        ("TendersTable/index/by_buyer_id", "dynamodb:Query"),
        ("TendersTable", "dynamodb:BatchGetItem"),
        ("MatchesTable/index/by_tender", "dynamodb:Query"),  # who fits a tender
        ("MatchesTable", "dynamodb:BatchGetItem"),  # … and why
        ("EnterprisesTable", "dynamodb:Scan"),  # the report's awards: suppliers recognised as registered
    },
    "RemindReportsFunctionRole": {
        ("PledgesTable", "dynamodb:Scan"),
        ("SignatoriesTable", "dynamodb:Query"),  # deadlines, reports
        ("SignatoriesTable", "dynamodb:PutItem"),  # each reminder's send record, claimed then confirmed
        ("SignatoriesTable", "dynamodb:UpdateItem"),
    },
    "SendAlertsFunctionRole": {
        ("EnterprisesTable", "dynamodb:Scan"),  # every subscriber and profile, once per run
        ("TendersTable", "dynamodb:GetItem"),
        ("MatchesTable", "dynamodb:BatchGetItem"),  # strongly consistent re-read before sending
        ("MatchesTable", "dynamodb:UpdateItem"),  # who was told; retire what no one can need
        ("MatchesTable/index/open_by_enterprise", "dynamodb:Query"),
        ("SubscriptionsTable", "dynamodb:Query"),
        ("SubscriptionsTable", "dynamodb:PutItem"),
        ("SubscriptionsTable", "dynamodb:UpdateItem"),
        ("PledgesTable/index/registry", "dynamodb:Query"),  # the « signatory » badge: public signatories only
        ("OrganizersTable", "dynamodb:Query"),  # … and their links to buyer ids (that partition only)
        ("InvitationsTable/index/published", "dynamodb:Query"),  # invitations not yet announced (instant run)
        ("InvitationsTable", "dynamodb:UpdateItem"),  # … announced now
    },
    "SendInvitationAlertsFunctionRole": {
        ("EnterprisesTable", "dynamodb:Scan"),
        ("TendersTable", "dynamodb:GetItem"),
        ("MatchesTable", "dynamodb:BatchGetItem"),
        ("MatchesTable", "dynamodb:UpdateItem"),
        ("MatchesTable/index/open_by_enterprise", "dynamodb:Query"),
        ("MatchesTable/index/by_tender", "dynamodb:Query"),  # the enterprises an invitation matched
        ("SubscriptionsTable", "dynamodb:Query"),
        ("SubscriptionsTable", "dynamodb:PutItem"),
        ("SubscriptionsTable", "dynamodb:UpdateItem"),
        ("PledgesTable/index/registry", "dynamodb:Query"),
        ("OrganizersTable", "dynamodb:Query"),
    },
    "SesEventsFunctionRole": {
        ("SubscriptionsTable", "dynamodb:PutItem"),  # conditional: the first suppression only
    },
    "WeeklyDigestFunctionRole": {
        ("TendersTable/index/by_first_seen_week", "dynamodb:Query"),
        ("TendersTable/index/by_status_week", "dynamodb:Query"),
        ("TendersTable/index/by_status_closing", "dynamodb:Query"),
        ("MatchesTable", "dynamodb:Query"),  # each enterprise's matches
        ("MatchesTable", "dynamodb:PutItem"),  # contracts won, conditional: once
        ("EnterprisesTable", "dynamodb:Scan"),
        ("PledgesTable", "dynamodb:Scan"),
        ("SubscriptionsTable", "dynamodb:Scan"),  # send records, suppressions, unsubscribes: one per address
        ("OrganizersTable", "dynamodb:Query"),
        ("OrganizersTable", "dynamodb:PutItem"),  # the week's send record, conditional
        ("OrganizersTable", "dynamodb:UpdateItem"),
    },
}


def resource_name(resource: Any) -> str:
    """`!GetAtt X.Arn` → X; `!Sub ${X.Arn}/index/i` → X/index/i; `!Ref X` → X;
    `arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/${SenderEmail}` → identity/SenderEmail."""
    if isinstance(resource, dict) and "Fn::GetAtt" in resource:
        return str(resource["Fn::GetAtt"][0])
    if isinstance(resource, dict) and "Ref" in resource:
        return str(resource["Ref"])
    if isinstance(resource, dict) and "Fn::Sub" in resource:
        text, variables = (resource["Fn::Sub"], {}) if isinstance(resource["Fn::Sub"], str) else resource["Fn::Sub"]
        for name, value in variables.items():
            text = text.replace(f"${{{name}}}", resource_name(value))
        text = re.sub(r"^arn:\$\{AWS::Partition\}:\w+:\$\{AWS::Region\}:\$\{AWS::AccountId\}:", "", text)
        return text.replace("${", "").replace(".Arn}", "").replace("}", "")
    return str(resource)


@pytest.mark.parametrize("role_id", sorted(EXPECTED_DYNAMODB_PERMISSIONS))
def test_each_function_has_exactly_its_dynamodb_permissions(transformed: dict[str, Any], role_id: str) -> None:
    role = transformed["Resources"][role_id]
    granted = {
        (resource_name(statement["Resource"]), action)
        for statement in role_statements(role)
        for action in actions(statement)
        if action.startswith("dynamodb:")
    }

    assert granted == EXPECTED_DYNAMODB_PERMISSIONS[role_id]
    assert role["Properties"]["ManagedPolicyArns"][0] == BASIC_EXECUTION  # no X-Ray, no broad policies


# Beyond DynamoDB, as exactly: sending to queues, SES, S3, the signing keys.
EXPECTED_OTHER_PERMISSIONS = {
    "PollTendersFunctionRole": {
        ("MatchQueue", "sqs:SendMessage*"),
        ("ReferenceDataBucket/geo/*", "s3:GetObject"),
        ("ReferenceDataBucket/geo/*", "s3:PutObject"),
        ("ReferenceDataBucket/matching/*", "s3:GetObject"),  # the recent tenders' snapshot
        ("ReferenceDataBucket/matching/*", "s3:PutObject"),
        ("ReferenceDataBucket", "s3:ListBucket"),  # so that no snapshot yet is NotFound, not AccessDenied
        ("ScheduleDeadLetterQueue", "sqs:SendMessage"),  # a failed run, after its retry
    },
    "MatchTendersFunctionRole": {
        ("InvitationAlertQueue", "sqs:SendMessage*"),  # an invitation, told at once
    },
    "WebFunctionRole": {
        ("SigningKeysSecret", "secretsmanager:GetSecretValue"),
        ("AddressKeySecret", "secretsmanager:GetSecretValue"),
        ("identity/SenderEmail", "ses:SendEmail"),
        ("configuration-set/TransactionalConfigurationSet", "ses:SendEmail"),
        ("ArchiveBucket/digests/*", "s3:GetObject"),
        ("ArchiveBucket", "s3:ListBucket"),  # so that a digest not there is NoSuchKey (404), not AccessDenied
        ("ReferenceDataBucket/matching/*", "s3:GetObject"),  # the recent tenders' snapshot (previews)
        ("ReferenceDataBucket", "s3:ListBucket"),  # so that no snapshot yet is NoSuchKey, not AccessDenied
        ("MatchQueue", "sqs:SendMessage"),  # an invitation announced for matching
    },
    "SendInvitationAlertsFunctionRole": {
        ("SigningKeysSecret", "secretsmanager:GetSecretValue"),
        ("identity/SenderEmail", "ses:SendEmail"),
        ("configuration-set/AlertsConfigurationSet", "ses:SendEmail"),
        ("*", "ses:GetAccount"),
    },
    "SendAlertsFunctionRole": {
        ("SigningKeysSecret", "secretsmanager:GetSecretValue"),
        ("AddressKeySecret", "secretsmanager:GetSecretValue"),
        ("identity/SenderEmail", "ses:SendEmail"),
        ("configuration-set/AlertsConfigurationSet", "ses:SendEmail"),
        ("*", "ses:GetAccount"),
        ("ScheduleDeadLetterQueue", "sqs:SendMessage"),  # a failed run, after its retries
        ("MatchQueue", "sqs:SendMessage"),  # invitations not yet announced (the instant run)
    },
    "SesEventsFunctionRole": {
        ("SesEventsDeadLetterQueue", "sqs:SendMessage"),
        ("AddressKeySecret", "secretsmanager:GetSecretValue"),
    },
    "WeeklyDigestFunctionRole": {
        ("SigningKeysSecret", "secretsmanager:GetSecretValue"),
        ("identity/SenderEmail", "ses:SendEmail"),
        ("configuration-set/DigestConfigurationSet", "ses:SendEmail"),
        ("ArchiveBucket/digests/*", "s3:PutObject"),
        ("ScheduleDeadLetterQueue", "sqs:SendMessage"),
    },
    "RemindReportsFunctionRole": {
        ("identity/SenderEmail", "ses:SendEmail"),
        ("configuration-set/TransactionalConfigurationSet", "ses:SendEmail"),
        ("ScheduleDeadLetterQueue", "sqs:SendMessage"),  # a failed run, after its retries
    },
}


def granted(role: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        (resource_name(resource), action)
        for statement in role_statements(role)
        for action in actions(statement)
        for resource in (statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]])
    }


@pytest.mark.parametrize("role_id", sorted(EXPECTED_OTHER_PERMISSIONS))
def test_each_function_has_exactly_its_other_permissions(transformed: dict[str, Any], role_id: str) -> None:
    beyond_dynamodb = {
        grant for grant in granted(transformed["Resources"][role_id]) if grant[1].split(":")[0] != "dynamodb"
    }

    assert beyond_dynamodb == EXPECTED_OTHER_PERMISSIONS[role_id]


def test_every_function_role_is_checked(transformed: dict[str, Any]) -> None:
    functions = {f"{name}Role" for name in resources_of_type(TEMPLATE, "AWS::Serverless::Function")}

    assert functions == EXPECTED_OTHER_PERMISSIONS.keys() == EXPECTED_DYNAMODB_PERMISSIONS.keys()


# Actions that have no resource-level permission: "*" is the only resource IAM accepts for them.
ACCOUNT_LEVEL_ACTIONS = {"ses:GetAccount"}  # the account's maximum send rate


# What a function deletes: an enterprise's profiles — its own (esja.enterprise_space), or the console's edits and
# imports (esja.console) — whose use cases decide whose; the rest goes by TTL. A BatchWriteItem may delete too: the
# exact sets above say who has one.
DELETIONS = {("WebFunctionRole", "EnterprisesTable")}


def test_no_function_may_delete_or_use_wildcards(transformed: dict[str, Any]) -> None:
    for logical_id, role in resources_of_type(transformed, "AWS::IAM::Role").items():
        for statement in role_statements(role):
            for action in actions(statement):
                assert action not in ("*", "dynamodb:*"), logical_id
                if action == "dynamodb:DeleteItem":
                    assert {(logical_id, resource_name(statement["Resource"]))} <= DELETIONS
                unscoped = statement.get("Resource") == "*"
                assert not unscoped or action.startswith("logs:") or action in ACCOUNT_LEVEL_ACTIONS, logical_id


def test_alerts_send_only_as_our_sender_through_the_configuration_set(transformed: dict[str, Any]) -> None:
    [statement] = [
        s for s in role_statements(transformed["Resources"]["SendAlertsFunctionRole"]) if "ses:SendEmail" in actions(s)
    ]

    assert actions(statement) == ["ses:SendEmail"]
    resources = [r["Fn::Sub"] for r in statement["Resource"]]
    assert resources == [
        "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/${SenderEmail}",
        "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:configuration-set/${AlertsConfigurationSet}",
    ]


def test_alerts_run_instant_daily_and_weekly_with_the_schedules_time() -> None:
    runs = {
        json.loads(properties["Input"])["frequency"]: properties["ScheduleExpression"]
        for name, properties in schedules()
        if name.startswith("SendAlertsFunction/")
    }

    assert runs.keys() == {"instant", "daily", "weekly"}
    assert runs["daily"] == "cron(0 7 ? * * *)" and runs["weekly"] == "cron(0 7 ? * MON *)"
    for name, properties in schedules():
        if name.startswith("SendAlertsFunction/"):
            assert json.loads(properties["Input"])["scheduled_time"] == "<aws.scheduler.scheduled-time>", name


# Each kind of mail, the function that sends it, and its own configuration set.
MAIL_STREAMS = {
    "SendAlertsFunction": "AlertsConfigurationSet",
    "WebFunction": "TransactionalConfigurationSet",  # pledge confirmations, later sign-in links
    "WeeklyDigestFunction": "DigestConfigurationSet",
    "RemindReportsFunction": "TransactionalConfigurationSet",  # a report due: the institution's own business
}


def test_each_kind_of_mail_goes_through_its_own_configuration_set() -> None:
    for function, configuration_set in MAIL_STREAMS.items():
        variables = TEMPLATE["Resources"][function]["Properties"]["Environment"]["Variables"]
        assert variables["SES_CONFIGURATION_SET"] == {"Ref": configuration_set}, function
    assert set(resources_of_type(TEMPLATE, "AWS::SES::ConfigurationSet")) == set(MAIL_STREAMS.values())


def test_bounces_and_complaints_of_every_configuration_set_reach_ses_events() -> None:
    [event] = TEMPLATE["Resources"]["SesEventsFunction"]["Properties"]["Events"].values()
    destinations = {
        d["Properties"]["ConfigurationSetName"]["Ref"]: d["Properties"]["EventDestination"]
        for d in resources_of_type(TEMPLATE, "AWS::SES::ConfigurationSetEventDestination").values()
    }
    [statement] = TEMPLATE["Resources"]["SesEventsTopicPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    publishers = statement["Condition"]["StringEquals"]["AWS:SourceArn"]

    assert destinations.keys() == set(MAIL_STREAMS.values())
    for configuration_set, destination in destinations.items():
        assert sorted(destination["MatchingEventTypes"]) == ["bounce", "complaint"], configuration_set
        assert destination["SnsDestination"]["TopicARN"] == event["Properties"]["Topic"], configuration_set
        assert any(configuration_set in arn["Fn::Sub"] for arn in publishers), configuration_set


def test_every_schedule_is_montreal_time_retries_and_keeps_failures(transformed: dict[str, Any]) -> None:
    assert schedules()
    for name, properties in schedules():
        assert properties["ScheduleExpressionTimezone"] == "America/Toronto", name
        assert properties["RetryPolicy"]["MaximumRetryAttempts"] >= 1, name
        assert properties["DeadLetterConfig"]["Arn"] == {"Fn::GetAtt": ["ScheduleDeadLetterQueue", "Arn"]}, name
    for name, schedule in resources_of_type(transformed, "AWS::Scheduler::Schedule").items():
        assert {"DeadLetterConfig", "RetryPolicy"} <= schedule["Properties"]["Target"].keys(), name


def test_every_built_in_feed_is_scheduled() -> None:
    sources = {json.loads(properties["Input"]).get("source") for _, properties in schedules()}

    assert set(DEFAULT_FEEDS) <= sources


def test_feed_addresses_default_to_the_catalogue() -> None:
    for name, parameter in FEED_PARAMETERS.items():
        assert TEMPLATE["Parameters"][parameter]["Default"] == DEFAULT_FEEDS[name].url


def fills(sample: dict[str, Any], schedule_input: dict[str, Any]) -> bool:
    """The sample is what the schedule sends: equal, but for Scheduler's context attributes it fills in."""
    return sample.keys() == schedule_input.keys() and all(
        sample[key] == value or (isinstance(value, str) and value.startswith("<aws.scheduler."))
        for key, value in schedule_input.items()
    )


def test_every_schedule_input_has_its_sample_event() -> None:
    samples = [json.loads(path.read_text(encoding="utf-8")) for path in (ROOT / "events").glob("*.json")]

    for name, properties in schedules():
        schedule_input = json.loads(properties["Input"])
        assert any(fills(sample, schedule_input) for sample in samples), f"{name}: add its input to events/"


def test_every_table_is_encrypted_recoverable_and_retained() -> None:
    for logical_id, table in resources_of_type(TEMPLATE, "AWS::DynamoDB::Table").items():
        properties = table["Properties"]
        assert properties["SSESpecification"]["SSEEnabled"] is True, logical_id
        assert properties["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True, logical_id
        assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain", logical_id


def test_every_dead_letter_queue_has_an_alarm() -> None:
    dead_letter_queues = {"ScheduleDeadLetterQueue"} | {
        queue["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
        for queue in resources_of_type(TEMPLATE, "AWS::SQS::Queue").values()
        if "RedrivePolicy" in queue.get("Properties", {})
    }
    watched = {
        dimension["Value"]["Fn::GetAtt"][0]
        for alarm in resources_of_type(TEMPLATE, "AWS::CloudWatch::Alarm").values()
        for dimension in alarm["Properties"].get("Dimensions", [])
        if dimension["Name"] == "QueueName"
    }

    assert dead_letter_queues <= watched


def test_every_alarm_notifies_the_alarm_topic() -> None:
    for logical_id, alarm in resources_of_type(TEMPLATE, "AWS::CloudWatch::Alarm").items():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}], logical_id


def test_queues_outlast_six_timeouts_of_their_consumer() -> None:
    # AWS's advice for SQS event sources: visibility timeout >= 6 x the function's timeout.
    consumers = [
        (function, event["Properties"]["Queue"]["Fn::GetAtt"][0])
        for function, resource in resources_of_type(TEMPLATE, "AWS::Serverless::Function").items()
        for event in resource["Properties"].get("Events", {}).values()
        if event["Type"] == "SQS"
    ]
    if not consumers:
        pytest.skip("no function consumes a queue yet")
    for function, queue in consumers:
        timeout = TEMPLATE["Resources"][function]["Properties"].get(
            "Timeout", TEMPLATE["Globals"]["Function"]["Timeout"]
        )
        assert TEMPLATE["Resources"][queue]["Properties"]["VisibilityTimeout"] >= 6 * timeout, function


def test_the_weekly_digest_runs_mondays_at_8_with_the_schedules_time() -> None:
    [properties] = [p for name, p in schedules() if name.startswith("WeeklyDigestFunction/")]

    assert properties["ScheduleExpression"] == "cron(0 8 ? * MON *)"
    assert json.loads(properties["Input"]) == {"scheduled_time": "<aws.scheduler.scheduled-time>"}


def test_the_digest_archive_is_encrypted_private_and_written_only_under_its_prefix(transformed: dict[str, Any]) -> None:
    bucket = TEMPLATE["Resources"]["ArchiveBucket"]["Properties"]
    statements = role_statements(transformed["Resources"]["WeeklyDigestFunctionRole"])
    [s3] = [s for s in statements if any(a.startswith("s3:") for a in actions(s))]
    [ses] = [s for s in statements if "ses:SendEmail" in actions(s)]

    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert (actions(s3), s3["Resource"]) == (["s3:PutObject"], {"Fn::Sub": "${ArchiveBucket.Arn}/digests/*"})
    assert actions(ses) == ["ses:SendEmail"]
    assert [resource_name(r) for r in ses["Resource"]] == [
        "identity/SenderEmail",
        "configuration-set/DigestConfigurationSet",
    ]


def test_alerts_read_only_the_signatory_links_of_the_organizers_table(transformed: dict[str, Any]) -> None:
    [statement] = [
        s
        for s in role_statements(transformed["Resources"]["SendAlertsFunctionRole"])
        if s["Resource"] == {"Fn::GetAtt": ["OrganizersTable", "Arn"]}
    ]

    assert statement["Condition"] == {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["signatory-link"]}}


def test_the_web_function_reads_the_organizers_and_figures_writes_only_links_and_domains_never_the_send_records(
    transformed: dict[str, Any],
) -> None:
    statements = [
        (actions(s), s["Condition"])
        for s in role_statements(transformed["Resources"]["WebFunctionRole"])
        if s["Resource"] == {"Fn::GetAtt": ["OrganizersTable", "Arn"]}
    ]

    def only(*partitions: str) -> dict[str, Any]:
        return {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": list(partitions)}}

    assert statements == [
        (["dynamodb:GetItem", "dynamodb:Query"], only("organizer")),
        (
            ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem"],
            only("signatory-link", "institution-domain"),
        ),
        (["dynamodb:BatchGetItem", "dynamodb:Query"], only("figures")),
    ]


def test_the_audit_log_is_append_only_for_every_function(transformed: dict[str, Any]) -> None:
    on_audit = {
        (role_id, action)
        for role_id, role in resources_of_type(transformed, "AWS::IAM::Role").items()
        for statement in role_statements(role)
        for action in actions(statement)
        if resource_name(statement["Resource"]) == "AuditTable"
    }

    assert on_audit == {("WebFunctionRole", "dynamodb:PutItem"), ("WebFunctionRole", "dynamodb:Query")}


def test_the_address_key_secret_is_its_own_and_never_regenerated() -> None:
    secret = TEMPLATE["Resources"]["AddressKeySecret"]["Properties"]["GenerateSecretString"]

    assert secret["PasswordLength"] >= 64 and "SecretStringTemplate" not in secret  # a plain string, not the keys'
    for function in ("WebFunction", "SendAlertsFunction", "SesEventsFunction"):
        variables = TEMPLATE["Resources"][function]["Properties"]["Environment"]["Variables"]
        assert variables["ADDRESS_KEY_SECRET_ARN"] == {"Ref": "AddressKeySecret"}, function


def test_sessions_and_the_audit_log_expire_by_ttl() -> None:
    for table in ("SessionsTable", "AuditTable"):
        ttl = TEMPLATE["Resources"][table]["Properties"]["TimeToLiveSpecification"]
        assert ttl == {"AttributeName": "expires_at", "Enabled": True}, table


def test_the_web_function_reads_only_the_archived_digests_and_the_recent_tenders(transformed: dict[str, Any]) -> None:
    statements = role_statements(transformed["Resources"]["WebFunctionRole"])

    assert [(actions(s), s["Resource"]) for s in statements if any(a.startswith("s3:") for a in actions(s))] == [
        (["s3:GetObject"], {"Fn::Sub": "${ArchiveBucket.Arn}/digests/*"}),
        # Without ListBucket, S3 answers a missing key with AccessDenied: the person would get a 503, not a 404.
        (["s3:ListBucket"], {"Fn::GetAtt": ["ArchiveBucket", "Arn"]}),
        (["s3:GetObject"], {"Fn::Sub": "${ReferenceDataBucket.Arn}/matching/*"}),
        (["s3:ListBucket"], {"Fn::GetAtt": ["ReferenceDataBucket", "Arn"]}),
    ]


def test_the_web_function_updates_only_the_profiles_version_in_the_enterprises_table(
    transformed: dict[str, Any],
) -> None:
    [statement] = [
        s
        for s in role_statements(transformed["Resources"]["WebFunctionRole"])
        if "dynamodb:UpdateItem" in actions(s) and resource_name(s["Resource"]) == "EnterprisesTable"
    ]
    assert actions(statement) == ["dynamodb:UpdateItem"]
    assert statement["Condition"] == {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["_catalogue"]}}


# --- Concurrency: a backfill can never starve the pages or the alerts -------------------------------------

ACCOUNT_CONCURRENCY = 1000  # Lambda's default quota per account and region
UNRESERVED_MINIMUM = 100  # what Lambda keeps unreserved, whatever the functions ask


def reserved() -> dict[str, int]:
    return {
        name: function["Properties"]["ReservedConcurrentExecutions"]
        for name, function in resources_of_type(TEMPLATE, "AWS::Serverless::Function").items()
        if "ReservedConcurrentExecutions" in function["Properties"]
    }


def test_the_pages_and_the_alerts_have_concurrency_of_their_own() -> None:
    burst = TEMPLATE["Resources"]["HttpApi"]["Properties"]["DefaultRouteSettings"]["ThrottlingBurstLimit"]

    assert reserved().keys() == {"WebFunction", "SendAlertsFunction"}
    assert reserved()["WebFunction"] >= burst  # whatever API Gateway lets through finds a function
    assert 3 <= reserved()["SendAlertsFunction"] <= 10  # daily, weekly and instant may overlap on a Monday
    assert sum(reserved().values()) + UNRESERVED_MINIMUM <= ACCOUNT_CONCURRENCY


def test_matching_takes_the_queue_with_a_small_maximum_concurrency() -> None:
    [event] = TEMPLATE["Resources"]["MatchTendersFunction"]["Properties"]["Events"].values()

    assert event["Type"] == "SQS"
    assert 2 <= event["Properties"]["ScalingConfig"]["MaximumConcurrency"] <= 5  # 2 is SQS's least
    assert "ReservedConcurrentExecutions" not in TEMPLATE["Resources"]["MatchTendersFunction"]["Properties"]


def test_every_method_reaches_the_web_function_which_answers_head_and_405() -> None:
    events = TEMPLATE["Resources"]["WebFunction"]["Properties"]["Events"].values()

    assert {e["Properties"]["Path"]: e["Properties"]["Method"] for e in events} == {"/": "ANY", "/{proxy+}": "ANY"}


# --- Alarms ---------------------------------------------------------------------------------------------


def alarms_on(namespace: str, metric: str) -> list[dict[str, Any]]:
    return [
        alarm["Properties"]
        for alarm in resources_of_type(TEMPLATE, "AWS::CloudWatch::Alarm").values()
        if alarm["Properties"].get("Namespace") == namespace and alarm["Properties"].get("MetricName") == metric
    ]


def dimension(alarm: dict[str, Any], name: str) -> Any:
    return next(d["Value"] for d in alarm.get("Dimensions", []) if d["Name"] == name)


def test_web_errors_and_error_pages_raise_alarms() -> None:
    errors = [a for a in alarms_on("AWS/Lambda", "Errors") if dimension(a, "FunctionName") == {"Ref": "WebFunction"}]
    [server_errors] = alarms_on("AWS/ApiGateway", "5xx")

    assert len(errors) == 1
    assert dimension(server_errors, "ApiId") == {"Ref": "HttpApi"}


def test_a_throttle_of_any_of_our_functions_raises_an_alarm() -> None:
    [alarm] = [
        a["Properties"]
        for a in resources_of_type(TEMPLATE, "AWS::CloudWatch::Alarm").values()
        if any(
            m.get("MetricStat", {}).get("Metric", {}).get("MetricName") == "Throttles"
            for m in a["Properties"].get("Metrics", [])
        )
    ]
    watched = {
        dimension(m["MetricStat"]["Metric"], "FunctionName")["Ref"] for m in alarm["Metrics"] if "MetricStat" in m
    }
    [total] = [m for m in alarm["Metrics"] if m.get("ReturnData", True)]

    assert watched == set(resources_of_type(TEMPLATE, "AWS::Serverless::Function"))
    assert sorted(re.findall(r"\w+", total["Expression"])) == sorted(
        m["Id"] for m in alarm["Metrics"] if "MetricStat" in m
    )
    assert (alarm["ComparisonOperator"], alarm["Threshold"]) == ("GreaterThanThreshold", 0)


def test_a_match_queue_falling_behind_raises_an_alarm() -> None:
    [age] = alarms_on("AWS/SQS", "ApproximateAgeOfOldestMessage")

    assert dimension(age, "QueueName") == {"Fn::GetAtt": ["MatchQueue", "QueueName"]}
    assert age["Threshold"] <= 3600


@pytest.mark.parametrize("function", ["PollTendersFunction", "SendAlertsFunction", "WeeklyDigestFunction"])
def test_a_failed_scheduled_run_waits_in_a_queue_an_alarm_watches(function: str) -> None:
    config = TEMPLATE["Resources"][function]["Properties"]["EventInvokeConfig"]
    queue = config["DestinationConfig"]["OnFailure"]["Destination"]["Fn::GetAtt"][0]
    watched = {
        dimension(alarm, "QueueName")["Fn::GetAtt"][0]
        for alarm in alarms_on("AWS/SQS", "ApproximateNumberOfMessagesVisible")
    }

    assert config["DestinationConfig"]["OnFailure"]["Type"] == "SQS"
    assert 0 < config["MaximumRetryAttempts"] <= 2
    assert queue in watched


def test_the_consoles_feed_schedules_are_the_templates() -> None:
    """The feeds page says a feed is late against the schedule it is polled on (esja.console.feeds)."""
    from esja.console.feeds import SCHEDULES

    events = TEMPLATE["Resources"]["PollTendersFunction"]["Properties"]["Events"].values()
    polled = {
        json.loads(event["Properties"]["Input"])["source"]: event["Properties"]["ScheduleExpression"]
        for event in events
        if event["Type"] == "ScheduleV2"
    }

    assert polled == {feed: schedule.cron for feed, schedule in SCHEDULES.items()}
