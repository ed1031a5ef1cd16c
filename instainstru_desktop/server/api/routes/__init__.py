"""One APIRouter per resource of docs/api.md."""
