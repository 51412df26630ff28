"""`python -m feedgen_app`: the same as the `feedgen-app` console script."""

from feedgen_app.commands.cli import run

run()
