"""feedgen-app: dated German articles in, Atom, RSS, JSON Feed and HTML pages out."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("feedgen-app")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"
