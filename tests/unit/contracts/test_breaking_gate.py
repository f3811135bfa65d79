"""The breaking-change gate (scripts/contract_gate.py) on a throwaway git repository of the contracts.

For each contract kind: the issue's breaking edit fails, naming the contract, the element and the rule; the
same edit with a major version bump passes; an optional addition passes. Then the base: the merge base on a
branch, HEAD~1 on main's tip (a fresh clone included), nothing to compare with in a one-commit history.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[3]
GATE = REPO / "scripts/contract_gate.py"
CINEMA = "contracts/openapi/cinema.yaml"
PROTO = "contracts/proto/cinema/v1/seat_inventory.proto"
SDL = "contracts/graphql/booking.graphql"
EVENTS = "contracts/asyncapi/events.yaml"


@pytest.fixture(scope="session", autouse=True)
def oasdiff_built():
    """Builds oasdiff into the cache when missing (a fresh CI machine); a failed build fails the tests."""
    subprocess.run([REPO / "scripts/oasdiff.sh", "--path"], check=True, capture_output=True, timeout=280)


def git(repo: Path, *args: str) -> str:
    identity = ["-c", "user.name=gate", "-c", "user.email=gate@test.invalid", "-c", "commit.gpgsign=false"]
    return subprocess.run(
        ["git", "-C", str(repo), *identity, *args], check=True, capture_output=True, text=True
    ).stdout


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message)


def new_repo(path: Path) -> Path:
    """A repository on `main` whose one commit holds the project's committed contracts."""
    path.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", "HEAD", "contracts"], capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(path)], input=archive.stdout, check=True)
    git(path, "init", "-q", "-b", "main")
    commit(path, "contracts")
    return path


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """main: two commits of the project's contracts; HEAD: a branch `feature` at main's tip (base: main~1)."""
    repo = new_repo(tmp_path / "repo")
    commit(repo, "a second commit")
    git(repo, "checkout", "-q", "-b", "feature")
    return repo


def gate(repo: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, GATE, "--repo", repo], capture_output=True, text=True, timeout=120)


def assert_fails(repo: Path, *named: str) -> str:
    result = gate(repo)
    assert result.returncode == 1, result.stdout + result.stderr
    failure = result.stdout[result.stdout.index("FAIL ") :]
    for text in named:
        assert text in failure, f"{text!r} not in:\n{result.stdout}"
    return result.stdout


def assert_passes(repo: Path) -> str:
    result = gate(repo)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "FAIL" not in result.stdout
    return result.stdout


def edit_text(repo: Path, path: str, pattern: str, replacement: str) -> None:
    file = repo / path
    text, count = re.subn(pattern, replacement, file.read_text(encoding="utf-8"), count=1, flags=re.MULTILINE)
    assert count == 1, f"{pattern!r} not in {path}"
    file.write_text(text, encoding="utf-8")


def edit_yaml(repo: Path, path: str, change) -> None:
    file = repo / path
    document = yaml.safe_load(file.read_text(encoding="utf-8"))
    change(document)
    file.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")


def add_optional_property(schema_name: str):
    def add(document: dict) -> None:
        document["components"]["schemas"][schema_name]["properties"]["added"] = {"type": "string"}

    return add


def bump_major(document: dict) -> None:
    major = int(str(document["info"]["version"]).split(".")[0])
    document["info"]["version"] = f"{major + 1}.0.0"


# OpenAPI: oasdiff


def rename_cinema_name(document: dict) -> None:
    cinema = document["components"]["schemas"]["Cinema"]
    cinema["properties"]["title"] = cinema["properties"].pop("name")
    cinema["required"] = ["title" if field == "name" else field for field in cinema["required"]]


def test_openapi_renamed_required_response_field_fails(repo):
    edit_yaml(repo, CINEMA, rename_cinema_name)
    rule = "[response-required-property-removed]"
    assert_fails(repo, CINEMA, "POST /cinemas", rule, "`name`", "info.version")


def test_openapi_renamed_field_with_major_bump_passes(repo):
    edit_yaml(repo, CINEMA, lambda doc: (rename_cinema_name(doc), bump_major(doc)))
    assert "allowed by the major bump" in assert_passes(repo)


def test_openapi_optional_response_field_passes(repo):
    edit_yaml(repo, CINEMA, add_optional_property("Cinema"))
    assert_passes(repo)


# Protobuf: buf breaking (WIRE_JSON)


def test_proto_deleted_field_fails(repo):
    edit_text(repo, PROTO, r"^\s*int64 price_minor = 6;\n", "")
    rule = "[FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED]"
    assert_fails(repo, PROTO, "message Seat", rule, '"price_minor"', "cinema.v2")


def test_proto_deleted_field_with_reserved_number_and_name_passes(repo):
    edit_text(repo, PROTO, r"^\s*int64 price_minor = 6;\n", '  reserved 6;\n  reserved "price_minor";\n')
    assert_passes(repo)


def test_proto_deleted_field_in_a_new_major_package_passes(repo):
    old, new = repo / "contracts/proto/cinema/v1", repo / "contracts/proto/cinema/v2"
    shutil.move(old, new)
    for proto in new.glob("*.proto"):
        text = proto.read_text(encoding="utf-8")
        proto.write_text(text.replace("cinema.v1", "cinema.v2"), encoding="utf-8")
    edit_text(repo, "contracts/proto/cinema/v2/seat_inventory.proto", r"^\s*int64 price_minor = 6;\n", "")
    assert_passes(repo)


def test_proto_new_field_passes(repo):
    edit_text(repo, PROTO, r"^message Seat \{\n", "message Seat {\n  string note = 99;\n")
    assert_passes(repo)


# GraphQL: graphql-core find_breaking_changes


def retype_movie_title(repo: Path) -> None:
    edit_text(repo, SDL, r"(^type Movie \{[^}]*?^  title: )String!", r"\1Int!")


def test_graphql_changed_field_type_fails(repo):
    retype_movie_title(repo)
    assert_fails(repo, SDL, "Movie.title", "[FIELD_CHANGED_KIND]", "# version:")


def test_graphql_changed_field_type_with_major_bump_passes(repo):
    retype_movie_title(repo)
    edit_text(repo, SDL, r"^# version: (\d+)\.\d+\.\d+$", "# version: 99.0.0")
    assert "allowed by the major bump" in assert_passes(repo)


def test_graphql_optional_field_passes(repo):
    edit_text(repo, SDL, r"^type Movie \{\n", "type Movie {\n  language: String\n")
    assert_passes(repo)


def test_graphql_sdl_without_version_line_fails(repo):
    edit_text(repo, SDL, r"^# version: .*\n", "")
    assert_fails(repo, SDL, "[version-missing]")


# AsyncAPI: payload JSON Schema diff


def drop_refunded(document: dict) -> None:
    data = document["components"]["schemas"]["BookingCancelledData"]
    del data["properties"]["refunded"]
    data["required"].remove("refunded")


def test_asyncapi_removed_required_payload_field_fails(repo):
    edit_yaml(repo, EVENTS, drop_refunded)
    element = "channel booking.cancelled message BookingCancelled payload.data.refunded"
    assert_fails(repo, EVENTS, element, "[property-removed]", "info.version")


def test_asyncapi_removed_field_with_major_bump_passes(repo):
    edit_yaml(repo, EVENTS, lambda doc: (drop_refunded(doc), bump_major(doc)))
    assert "allowed by the major bump" in assert_passes(repo)


def test_asyncapi_optional_payload_field_passes(repo):
    edit_yaml(repo, EVENTS, add_optional_property("BookingCancelledData"))
    assert_passes(repo)


def test_asyncapi_consumer_breaking_edits_each_fail(repo):
    def edit(document: dict) -> None:
        schemas = document["components"]["schemas"]
        schemas["PaymentFailedData"]["required"].append("retry_at")
        schemas["PaymentFailedData"]["properties"]["retry_at"] = {"type": "string"}
        schemas["Money"]["properties"]["amount"]["type"] = "string"
        schemas["EventType"]["enum"].remove("payment.refunded")
        del document["channels"]["user.registered"]

    edit_yaml(repo, EVENTS, edit)
    assert_fails(
        repo,
        "payment.failed message PaymentFailed payload.data.retry_at: [required-property-added]",
        "booking.created message BookingCreated payload.data.total.amount: [type-changed]",
        "payload.type: [enum-narrowed]",
        "channel user.registered: [channel-removed]",
    )


# The base revision


def test_branch_is_compared_with_its_merge_base_not_mains_tip(repo):
    git(repo, "checkout", "-q", "main")
    edit_yaml(repo, EVENTS, drop_refunded)
    commit(repo, "main moves on with a break of its own")
    git(repo, "checkout", "-q", "feature")
    edit_text(repo, SDL, r"^type Movie \{\n", "type Movie {\n  language: String\n")
    commit(repo, "an optional field on the branch")
    assert "the merge base with main" in assert_passes(repo)
    retype_movie_title(repo)
    commit(repo, "a break on the branch, committed")
    assert_fails(repo, "Movie.title")


def test_main_tip_is_compared_with_the_previous_commit_in_a_fresh_clone(repo, tmp_path):
    git(repo, "checkout", "-q", "main")
    retype_movie_title(repo)
    commit(repo, "a break pushed to main")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", repo.as_uri(), str(clone)], check=True)
    output = assert_fails(clone, "Movie.title")
    assert "HEAD is the tip of main: the previous commit" in output
    commit(clone, "the next commit on main")
    assert_passes(clone)


def test_history_of_one_commit_has_nothing_to_compare_with(tmp_path):
    repo = new_repo(tmp_path / "repo")
    retype_movie_title(repo)
    assert "no previous commit" in assert_passes(repo)
    shallow = tmp_path / "shallow"
    commit(repo, "a break")
    subprocess.run(["git", "clone", "-q", "--depth", "1", repo.as_uri(), str(shallow)], check=True)
    assert "no previous commit" in assert_passes(shallow)
