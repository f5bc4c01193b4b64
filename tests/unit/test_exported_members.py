"""Every name a module lists in ``__all__`` exists (httpx's habit): the public surface is honest."""

import importlib
import pkgutil

import pytest

import skywarden

MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(skywarden.__path__, prefix="skywarden.")
    if not m.name.startswith("skywarden.data")
)


def test_exported_members_modules_found() -> None:
    assert "skywarden.core.types" in MODULES
    assert "skywarden.runtime.cli" in MODULES


@pytest.mark.parametrize("name", MODULES)
def test_exported_members_exist(name: str) -> None:
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", [])
    missing = [n for n in exported if not hasattr(module, n)]
    assert not missing, f"{name}.__all__ names missing members: {missing}"
    assert len(set(exported)) == len(exported), f"{name}.__all__ repeats a name"
