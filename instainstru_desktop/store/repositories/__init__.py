"""Repositories of the local cache: one per aggregate, each bound to one unit of work's session."""
