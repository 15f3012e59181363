"""The one exception family whose message is a sentence for the person at the desk."""

from __future__ import annotations


class AppError(Exception):
    """A refusal or failure explained in one Indonesian sentence; `exit_code` is the CLI status."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class DatabaseUnavailable(AppError):
    """The database file cannot be opened, written, or is not ours."""


class PermissionDenied(AppError):
    """The account's role does not allow the action."""


class InvalidInput(AppError):
    """Input that fails validation; nothing was changed."""


class NotFound(AppError):
    """The record asked for does not exist."""


class Refused(AppError):
    """The action is not allowed in the record's current state."""


class ConfigError(AppError):
    """The configuration file has an unknown key or a wrong value."""

    exit_code = 2


class PrintFailed(AppError):
    """The record was saved but the printer failed; the job can be printed again."""

    exit_code = 3
