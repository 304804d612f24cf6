"""The live preview's data path on moto: a poll writes the recent tenders' snapshot to S3 beside the
tenders it stored, only over the version it read first; the web function's use cases read it and
preview a profile; an enterprise's own profiles are written with the matcher's version, conditionally."""

from __future__ import annotations

import json

from esja.audit.log import Audit
from esja.bootstrap import build_profile_space
from esja.clock import utc_now
from esja.config import Settings
from esja.enterprise_space.preview import Preview, Unavailable
from esja.enterprise_space.profiles import Refused
from esja.enterprise_space.recent_tenders import NOT_MODIFIED, StoredSnapshot
from esja.matching.recent import RecentTenders
from esja.model import Enterprise, Profile
from esja.store.enterprises import EnterpriseStore
from esja.store.recent_tenders import RecentTendersObject
from local.feed_server import FeedServer, Route
from local.runtime import LocalAws
from tests.fakes import FakeAuditLog, acting_for
from tests.feed_builders import canadabuys_csv, canadabuys_row

QUIET = {"POWERTOOLS_LOG_LEVEL": "CRITICAL", "POWERTOOLS_METRICS_DISABLED": "true", "HTTP_RETRIES": "0"}


def snapshot_object(aws: LocalAws) -> RecentTendersObject:
    return RecentTendersObject(aws.resources.names["ReferenceDataBucket"], aws.client("s3"))


def test_a_snapshot_is_written_only_over_the_version_read_before(aws: LocalAws) -> None:
    objects = snapshot_object(aws)
    assert objects.version() is None and objects.read(None) is None
    assert objects.replace(b"first", None)
    assert not objects.replace(b"lost race", None)  # another poll wrote the first one meanwhile
    first = objects.version()
    assert first is not None and objects.replace(b"second", first)
    assert not objects.replace(b"older view", first)

    read = objects.read(None)
    assert isinstance(read, StoredSnapshot) and read.data == b"second"
    assert objects.read(read.version) is NOT_MODIFIED


def test_a_poll_writes_the_snapshot_the_web_function_previews_profiles_on(aws: LocalAws, publisher: FeedServer) -> None:
    row = canadabuys_row("cb-1-000001", title="Snow removal at the wharf")
    publisher.routes["/new.csv"] = Route(canadabuys_csv(row))
    feeds = json.dumps({"canadabuys-new": {"url": publisher.url("/new.csv")}})

    report = aws.invoke("PollTendersFunction", {"source": "canadabuys-new"}, {"FEEDS": feeds, **QUIET})

    assert report["new"] == 1 and report["recent_tenders"]["tenders"] == 1 and report["recent_tenders"]["written"]
    stored = snapshot_object(aws).read(None)
    assert isinstance(stored, StoredSnapshot)
    assert RecentTenders.from_bytes(stored.data).keys == ["canadabuys:cb-1-000001"]

    settings = Settings.from_env(aws.environment("WebFunction"))
    enterprises = EnterpriseStore(settings.enterprises_table, aws.client("dynamodb"))
    enterprises.save([Enterprise("coop", "Coop")], [Profile("coop", "hiver", keywords=("peinture",))])
    space = build_profile_space(
        settings, enterprises=enterprises, audit=Audit(FakeAuditLog(), utc_now), s3=aws.client("s3")
    )
    shown = space.preview.preview(acting_for("coop"), {"keywords": "snow removal"}, "hiver")
    assert isinstance(shown, Preview)
    assert [t.tender.tender.key for t in shown.gained] == ["canadabuys:cb-1-000001"] and shown.lost == ()


def test_an_enterprises_own_changes_are_conditional_and_move_the_matchers_version(aws: LocalAws) -> None:
    store = EnterpriseStore(aws.resources.names["EnterprisesTable"], aws.client("dynamodb"))
    store.save([Enterprise("coop", "Coop")], [])
    version = store.version()
    profile = Profile("coop", "hiver", "Hiver", keywords=("déneigement",))

    added = store.add(profile)
    assert added is not None and store.add(profile) is None  # the id is taken
    assert store.add(Profile("gone", "x", keywords=("x",))) is None  # no such enterprise
    assert store.stored_profiles("coop") == [added] and store.version() == version + 1

    edited = store.replace(Profile("coop", "hiver", "Hiver", keywords=("neige",)), added.version)
    assert edited is not None and edited.version != added.version
    assert store.replace(profile, added.version) is None  # changed since that version
    assert not store.remove_profile("coop", "hiver", added.version)
    assert store.remove_profile("coop", "hiver", edited.version)
    assert store.stored_profiles("coop") == [] and store.version() == version + 3
    assert store.load() == ([Enterprise("coop", "Coop")], [])


def test_the_web_function_refuses_a_bad_form_with_the_spreadsheets_words(aws: LocalAws) -> None:
    settings = Settings.from_env(aws.environment("WebFunction"))
    enterprises = EnterpriseStore(settings.enterprises_table, aws.client("dynamodb"))
    enterprises.save([Enterprise("coop", "Coop")], [])
    space = build_profile_space(
        settings, enterprises=enterprises, audit=Audit(FakeAuditLog(), utc_now), s3=aws.client("s3")
    )
    refused = space.profiles.create(acting_for("coop"), {"unspsc": "7611x"})
    assert isinstance(refused, Refused) and refused.problems[0].fr == "code UNSPSC invalide «\u00a07611x\u00a0»"
    assert isinstance(space.preview.preview(acting_for("coop"), {"keywords": "x"}), Unavailable)
