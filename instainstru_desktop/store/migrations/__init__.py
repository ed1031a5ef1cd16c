"""Local schema upgrades: back up, upgrade in one exclusive transaction, refuse newer files."""

from instainstru_desktop.store.migrations.runner import UpgradeReport, file_version, upgrade
from instainstru_desktop.store.migrations.steps import MIGRATIONS, SCHEMA_VERSION, Migration

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Migration",
    "UpgradeReport",
    "file_version",
    "upgrade",
]
