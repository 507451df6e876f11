"""Messages for people on stderr: never hard-wrapped (a piped message stays one line), no control characters.

Rich draws the colours and the progress spinner when it is installed (it comes with the build and validate
extras); the base install, which only loads, downloads, cites and compares releases, prints plain text instead.
"""

from __future__ import annotations

import re
import sys

try:  # rich is optional: part of the build and validate extras
    from rich.console import Console as _RichConsole
    from rich.markup import escape
    from rich.progress import Progress, SpinnerColumn, TextColumn
except ModuleNotFoundError:  # pragma: no cover - exercised in the base install
    _RichConsole = None

    def escape(text: str) -> str:
        """Nothing to escape without rich."""
        return text

    class Progress:
        """A progress display that shows nothing (rich is not installed)."""

        def __init__(self, *columns, **kwargs) -> None:
            pass

        def __enter__(self) -> "Progress":
            return self

        def __exit__(self, *exc) -> None:
            return None

        def add_task(self, description: str, **kwargs) -> int:  # noqa: D102 - rich API
            return 0

        def update(self, task: int, **kwargs) -> None:  # noqa: D102 - rich API
            return None

    def SpinnerColumn(*args, **kwargs):  # noqa: N802 - rich API
        """Placeholder column."""
        return None

    def TextColumn(*args, **kwargs):  # noqa: N802 - rich API
        """Placeholder column."""
        return None

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_MARKUP = re.compile(r"\[/?(?:bold|dim|italic|underline|red|green|yellow|blue|cyan|magenta)?(?: [a-z]+)*\]")


def clean(text: str) -> str:
    """The text with control characters (escape sequences, carriage returns…) shown as \\xNN, never executed."""
    return CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(text))


class PlainConsole:
    """The part of rich's Console the command line uses, for when rich is not installed."""

    def __init__(self, stderr: bool = True, **kwargs) -> None:
        self.file = sys.stderr if stderr else sys.stdout

    def print(self, *objects, markup: bool = True, **kwargs) -> None:  # noqa: A003, D102 - rich API
        text = " ".join(str(o) for o in objects)
        print(_MARKUP.sub("", text) if markup else text, file=self.file)


def make_console(stderr: bool = True):
    """A console that never hard-wraps: rich's when installed, else plain text."""
    if _RichConsole is None:
        return PlainConsole(stderr=stderr)
    return _RichConsole(stderr=stderr, soft_wrap=True)


__all__ = ["Progress", "SpinnerColumn", "TextColumn", "clean", "escape", "make_console"]
