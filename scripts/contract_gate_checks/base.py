"""Which revision the working tree's contracts are compared with, and a copy of that revision's contracts.

On a branch: the merge base with `main` (or `origin/main` in a clone without a local `main`).
On main's tip (HEAD is `main`): the previous commit, HEAD~1. None when there is no such commit.
"""

import io
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

MAIN_REFS = ("refs/heads/main", "refs/remotes/origin/main")


@dataclass(frozen=True)
class Base:
    commit: str | None
    why: str  # how the base was chosen, or why there is none


def _git(repo: Path, *args: str) -> str | None:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else None


def _commit(repo: Path, rev: str) -> str | None:
    return _git(repo, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")


def _previous(repo: Path, head: str, reason: str) -> Base:
    parent = _commit(repo, f"{head}~1")
    if parent is None:
        return Base(None, f"{reason}, and HEAD has no previous commit: nothing to compare with")
    return Base(parent, f"{reason}: the previous commit {parent[:12]}")


def find_base(repo: Path, explicit: str | None = None) -> Base:
    if explicit:
        commit = _commit(repo, explicit)
        return Base(commit, f"{explicit} ({commit[:12]})" if commit else f"{explicit} is not a commit")
    head = _commit(repo, "HEAD")
    if head is None:
        return Base(None, "the repository has no commit yet: nothing to compare with")
    main_ref = next((ref for ref in MAIN_REFS if _commit(repo, ref)), None)
    if main_ref is None:
        return _previous(repo, head, "no main branch (main or origin/main)")
    main = main_ref.removeprefix("refs/heads/").removeprefix("refs/remotes/")
    if _commit(repo, main_ref) == head:
        return _previous(repo, head, f"HEAD is the tip of {main}")
    merge_base = _git(repo, "merge-base", head, main_ref)
    if not merge_base:
        return Base(None, f"HEAD and {main} share no commit (a shallow clone?): nothing to compare with")
    return Base(merge_base, f"the merge base with {main}: {merge_base[:12]}")


def export_contracts(repo: Path, commit: str, into: Path) -> bool:
    """Writes the commit's contracts/ under `into`; False when that commit has no contracts/."""
    if _git(repo, "cat-file", "-e", f"{commit}:contracts") is None:
        return False
    archive = subprocess.run(
        ["git", "-C", str(repo), "archive", "--format=tar", commit, "contracts"],
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return True
