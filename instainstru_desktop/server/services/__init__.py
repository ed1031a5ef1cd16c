"""Use cases of the bundled server.

Each takes plain values, a :class:`~instainstru_desktop.server.services.context.Caller` and a
unit of work; it raises domain or service errors and returns JSON-ready dicts shaped as
``docs/api.md`` says. Functions named ``*_in`` run inside a transaction they are given, so the
sync push can apply the very same code in its own per-mutation transactions.
"""
