"""Checking what is published: XML, Atom, RSS, JSON Feed and site-wide rules, and the IDs of the
published site."""
