"""The console's one expected-error type: a command that cannot do what it was asked."""

from __future__ import annotations

__all__ = ["ConsoleError"]


class ConsoleError(Exception):
    """A command failed for a reason the user can fix; the message is one line, no traceback.

    Raised anywhere below a command; the app prints it at one boundary (``OcppConsole.onecmd``)
    and counts the command as failed, which sets a script's exit code.
    """
