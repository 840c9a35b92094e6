"""Database and cache: SQLite under var/ and local memory unless the environment names servers."""

from .environment import BASE_DIR, env

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'kmf.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    (BASE_DIR / "var").mkdir(exist_ok=True)
    # IMMEDIATE transactions take the write lock up front, so concurrent autosaves wait
    # for each other instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    # Reconnect by itself after the database restarts.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # The site's queries are short; PostgreSQL's JIT compiler costs them more than it saves
    # (tens of milliseconds on the dashboard at 5,000 EOIs, see docs/BENCHMARKS.md).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")

REDIS_URL = env("REDIS_URL", default="")

CACHES = {
    "default": {
        # Django's RedisCache that answers from the process's memory while Redis is down
        # (core/cache.py); the timeouts keep a hung Redis from holding a page for long.
        "BACKEND": "core.cache.FallbackRedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
