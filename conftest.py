"""Test-suite entry point: the QuantaCore PDK is activated once, as the command line does.

Cells and library functions never activate a PDK themselves; this fixture is the tests'
entry point (doctests included).
"""

from __future__ import annotations

import pytest

import quantacore


@pytest.fixture(scope="session", autouse=True)
def quantacore_pdk():  # noqa: ANN201 - gdsfactory.Pdk
    """The active QuantaCore PDK for every test and doctest."""
    return quantacore.activate()
