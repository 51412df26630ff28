"""Reading the input: feed.yaml -> Site, content/ -> Articles (files, YAML, dates, safe HTML)."""
