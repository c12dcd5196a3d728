"""Errors a user can act on. Their message is one line, printed as-is by the CLI and returned by the API."""


class SpinscopeError(Exception):
    """Base class: a problem with the input or setup that is not a bug."""


class InputError(SpinscopeError):
    """The input cannot be read or analysed (empty, binary, too large, malformed, unreachable)."""


class SettingsError(InputError, ValueError):
    """A `Settings` value is invalid (wrong type, out of range, unknown component or language code), or what was
    passed as settings is not a `Settings`. It is an `InputError` and a `ValueError`, the two types invalid
    settings raised before, so `except InputError` and `except ValueError` code keeps catching it."""


class ModelError(SpinscopeError):
    """A model file is missing, corrupt or incompatible."""


class Interrupted(SpinscopeError):
    """The user stopped a long job (Ctrl+C) after what it finished was saved; the CLI exits 130 like a shell."""


def os_reason(error: OSError) -> str:
    """An OS error's reason as one lower-case phrase for a one-line message ("permission denied")."""
    return (error.strerror or str(error)).lower()
