"""One exception tree, translated once at the CLI edge (exit code 1)."""


class ExtractorError(Exception):
    """Base class: the message is one line, fit to print as ``error: <message>``."""

    exit_code = 1


class ConfigError(ExtractorError):
    """Bad settings or a backend that cannot start."""


class ReplayMiss(ConfigError):
    """A replayed cassette holds no answer for a request the run made."""


class InputError(ExtractorError):
    """A document that cannot be read: missing, empty, binary, undecodable, too large."""
