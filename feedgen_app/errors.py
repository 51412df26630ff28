"""The error hierarchy: every expected failure is a FeedAppError naming file, line and field."""


class FeedAppError(Exception):
    """An expected failure the user can fix; its message reads `PATH:LINE: message`."""

    def __init__(self, *problems: str) -> None:
        super().__init__("\n".join(problems))
        self.problems: tuple[str, ...] = problems


class ContentError(FeedAppError):
    """An article in the content folder is malformed."""


class ConfigError(FeedAppError):
    """The site configuration (feed.yaml) is malformed."""


class PublishError(FeedAppError):
    """The output folder cannot be written safely."""


class ScaffoldError(FeedAppError):
    """`init` cannot write a new site (a file of it exists already)."""
