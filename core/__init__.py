"""What every app may use and nothing of theirs: permissions, money and time-zone formats, the
cache, upload storage, log redaction, middleware and admin pieces (docs/ARCHITECTURE.md)."""
