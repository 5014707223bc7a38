"""The one error type for bad input from the user: ``attnlab`` prints it as one line on
stderr and exits with code 2, before anything is computed or written."""

__all__ = ["UsageError"]


class UsageError(ValueError):
    """Bad input from the user: reported as one line, exit code 2."""
