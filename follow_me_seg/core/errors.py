"""User-facing errors: the command-line tools print these as one line and exit non-zero."""


class FollowMeError(Exception):
    """A problem with the user's input (a file, a folder, a model, a parameter)."""


class DataError(FollowMeError):
    """Bad or missing training / evaluation data."""


class ModelError(FollowMeError):
    """A missing or unloadable model file."""
