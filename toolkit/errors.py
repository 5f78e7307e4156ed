"""Errors the toolkit raises for user mistakes.

Anything that is the user's to fix (a params key, a file, a column, a value)
raises a subclass of :class:`ToolkitError`. The command line turns these into
one clean line and exit code 2; any other exception is a bug and keeps its
traceback.
"""

from __future__ import annotations


class ToolkitError(Exception):
    """Base class: a problem the user can fix, with a message that says how."""


class ParamsError(ToolkitError):
    """The params file is unreadable, has an unknown key or an invalid value."""


class DataError(ToolkitError):
    """An input file is missing, unreadable, or has nothing usable in it."""


class ReportError(ToolkitError):
    """A report chapter failed or the report could not be written."""


class MemoryLimitError(ToolkitError):
    """The run would need more memory than the machine has (with its swap)."""
