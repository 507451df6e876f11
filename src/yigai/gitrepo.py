"""Ask git about the repository: commits, changed paths and files at a commit (no shell, a clear error, no prompt).

Every call runs `git` with an argument list (never through a shell) in the repository's folder. A missing git, a
folder that is not a git work tree, or a name that is not a commit is a usage error (exit status 2) that says so;
a revision given by the user is never read as an option.
"""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
from pathlib import Path

from yigai.errors import UsageError, YigaiError

TIMEOUT = 600


class GitError(YigaiError):
    """git ran but failed (e.g. a path that does not exist at a commit)."""


def git(root: Path, *args: str) -> bytes:
    """Run `git ARGS` in `root` and return its output.

    Raises:
        UsageError: when git is not installed.
        GitError: when git fails (its message is in the error).
    """
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0", GIT_OPTIONAL_LOCKS="0")
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, env=env, timeout=TIMEOUT, check=False)
    except FileNotFoundError:
        raise UsageError("git is not installed (or not on PATH)", field="--changed",
                         hint="install git, or validate without --changed") from None
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise UsageError(f"git could not be run: {exc}", field="--changed") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {args[0]} failed: {message[-1] if message else f'exit status {done.returncode}'}")
    return done.stdout


def work_tree(root: Path) -> Path:
    """The top folder of the git work tree that holds `root`.

    Raises:
        UsageError: when `root` is not inside a git work tree.
    """
    try:
        return Path(git(root, "rev-parse", "--show-toplevel").decode("utf-8", "surrogateescape").strip())
    except GitError:
        raise UsageError("not a git repository", file=str(root), field="--changed",
                         hint="run from a clone of the repository") from None


def commit_of(root: Path, revision: str) -> str | None:
    """The full id of the commit `revision` names, or None when it names none (a revision is never an option)."""
    if not revision or revision.startswith("-") or "\x00" in revision:
        return None
    try:
        out = git(root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    except GitError:
        return None
    return out.decode("ascii", "replace").strip() or None


def merge_base(root: Path, commit: str, other: str = "HEAD") -> str:
    """The commit where `other` branched from `commit` (`commit` itself when there is none)."""
    try:
        return git(root, "merge-base", commit, other).decode("ascii").strip() or commit
    except GitError:
        return commit


def paths(output: bytes) -> list[str]:
    """The paths of a `git … -z` listing."""
    return [p for p in output.decode("utf-8", "surrogateescape").split("\0") if p]


def changed_since(root: Path, commit: str, path: str) -> list[str]:
    """Files under `path` that differ between `commit` and the work tree, including new untracked ones."""
    found = paths(git(root, "diff", "--name-only", "--no-renames", "-z", commit, "--", path))
    found += paths(git(root, "ls-files", "--others", "--exclude-standard", "-z", "--", path))
    return sorted(set(found))


def extract(root: Path, commit: str, path: str, dest: Path) -> bool:
    """Write the files under `path` as they are at `commit` into `dest` (False when `path` is not there)."""
    try:
        data = git(root, "archive", "--format=tar", commit, "--", path)
    except GitError:
        return False
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(dest, filter="data")
        else:  # Python < 3.11.4: the archive comes from the repository itself
            tar.extractall(dest)  # noqa: S202
    return (dest / path).exists()
