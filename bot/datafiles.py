"""Reading the project's YAML data files with errors that name the file."""

from __future__ import annotations

from pathlib import Path
from typing import Type

import yaml


def read_mapping(path: Path, error: Type[Exception]) -> dict:
    """The file's top-level mapping, or ``error("<file>: <problem>")``."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise error(f"{path}: file not found") from e
    except yaml.YAMLError as e:
        raise error(f"{path}: not valid YAML: {e}") from e
    if not isinstance(data, dict):
        raise error(f"{path}: (top level): expected a mapping")
    return data
