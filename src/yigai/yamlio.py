"""Parse YAML with libyaml's C loader when PyYAML was built with it (several times faster), else the Python one.

Both loaders build the same safe types (mappings, lists, strings, numbers, dates); only parsing speed and the
wording of syntax errors differ.
"""

from __future__ import annotations

from typing import Any

import yaml

SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str | bytes) -> Any:
    """Parse one YAML document into plain Python data, like yaml.safe_load.

    Raises:
        yaml.YAMLError: when the text is not valid YAML (with problem_mark giving line and column where known).
    """
    return yaml.load(text, Loader=SafeLoader)  # noqa: S506 - a safe loader
