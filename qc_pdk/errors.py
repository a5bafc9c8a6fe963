"""The one base class of every input error the toolkit reports.

Anything a user gave that cannot be used (a spec field, a file, a cell parameter, a
calibration) raises a subclass of :class:`InputError` with one line that names the field or
file; the command line maps it to exit code 2 and writes nothing.

Example:
    >>> issubclass(InputError, ValueError)
    True
"""

from __future__ import annotations

__all__ = ["InputError"]


class InputError(ValueError):
    """Bad input from the user: the message names the field or file and says what is wrong."""
