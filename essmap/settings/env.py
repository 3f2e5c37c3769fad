"""The one place where the process environment is read.

Every setting that depends on the environment goes through these helpers, called from the
settings modules with the variable's name as a literal, so that the list of variables stays
visible: README, "Configuration", lists each one (tests/test_settings_env.py checks both ways,
and that no other module of the application reads os.environ).
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def database_url() -> str:
    return env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
