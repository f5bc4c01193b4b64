"""Detections listed in a YAML file: the built-in hand-written scenarios.

The file is a mapping with a ``detections`` list; each item is one interchange-contract
detection (the same fields as a JSONL line) and is validated by the same parser as
``sources.jsonl``. Other top-level keys (``name``, ``title``, ``start``, ``sources``)
describe the scenario. Like every source it is total: a bad item becomes a ``Reject``
naming ``file.yaml:detections[i]`` and the rest are still read. A file that is not YAML
or has no ``detections`` list cannot be read at all and raises ``InputError``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from skywarden.core.errors import InputError, RejectError
from skywarden.core.types import Detection
from skywarden.sources.base import Reject
from skywarden.sources.jsonl import parse_detection_obj

__all__ = ["YamlDetectionSource"]


class YamlDetectionSource:
    """Reads the ``detections`` of a YAML scenario file. Not thread-safe while iterating."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            doc: Any = yaml.safe_load(self.path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise InputError(f"{self.path}: not a readable YAML file: {exc}") from exc
        if not isinstance(doc, dict) or not isinstance(doc.get("detections"), list):
            raise InputError(f"{self.path}: expected a mapping with a 'detections' list")
        self.meta: dict[str, Any] = {k: v for k, v in doc.items() if k != "detections"}
        self._items: list[Any] = doc["detections"]

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Detection | Reject]:
        """Yield each item as a detection, or a reject naming its index."""
        for i, item in enumerate(self._items):
            where = f"{self.path.name}:detections[{i}]"
            try:
                yield parse_detection_obj(item, where)
            except RejectError as err:
                yield Reject.from_error(err, line=None, raw=repr(item))
