"""What every layer of the server stands on: settings, the database, the ORM models, errors,
roles and permissions, password and token hashing, wire types, the event hub, rate limits.

Nothing here imports the repositories, services or the API: they all import from here.
"""
