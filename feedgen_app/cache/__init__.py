"""The build cache: what was built from what, so that a rebuild does only what changed."""
