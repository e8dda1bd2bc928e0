"""The one exception type the project raises for bad user input.

Every message is one line that names the problem and the fix. Command-line
entry points catch `UserError` and print it without a traceback.
"""


class UserError(ValueError):
    """Bad input from a user: a wrong name, flag, file or value."""
