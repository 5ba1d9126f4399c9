"""One exception tree, translated once at the CLI edge (exit code 1)."""


class ExtractorError(Exception):
    """Base class: the message is one line, fit to print as ``error: <message>``."""

    exit_code = 1


class ConfigError(ExtractorError):
    """Bad settings or a backend that cannot start."""


class ReplayMiss(ConfigError):
    """A replayed cassette holds no answer for a request the run made."""


class ModelServerError(ConfigError):
    """The embedded model server crashed or never answered its first request (exit code 4):
    nothing was read, nothing stored; the message says why, the likely cause and the fix."""

    exit_code = 4


class InputError(ExtractorError):
    """A document that cannot be read: missing, empty, binary, undecodable, too large."""
