"""The exception types the project raises for bad user input.

Every message is one line that names the problem and the fix. Command-line
entry points catch `UserError` and print it without a traceback, exiting
with its `exit_code`.
"""

import difflib


class UserError(ValueError):
    """Bad input from a user: a wrong name, flag, file or value."""

    exit_code = 2


class DamagedFile(UserError):
    """A file the project wrote (a run's config.json, a checkpoint's
    state.json, ...) that cannot be read back; `path` names it."""

    def __init__(self, message, path=None):
        super().__init__(message)
        self.path = path


class Interrupted(UserError):
    """Training stopped by a signal (a scheduler's SIGTERM) after saving a
    checkpoint; the exit status says which signal, as a shell would."""

    def __init__(self, message, signal_number=15):
        super().__init__(message)
        self.exit_code = 128 + signal_number


def unknown_name(kind, name, names, listing):
    """The one-line error for a name that is not one of `names`: its close
    matches, and the command that lists them all (the list itself outgrew
    one line)."""
    close = difflib.get_close_matches(str(name), list(names), n=3)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    return UserError(f"unknown {kind} '{name}'{hint}: choose one of the {len(names)} "
                     f"that `{listing}` lists")
