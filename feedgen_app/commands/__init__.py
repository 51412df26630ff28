"""The commands: the command line, its console output, and what commands do besides building."""
