"""Rendering: the output plan, every file of the site as a keyed renderer (feeds, pages)."""
