"""Live demos: one widget class per demo name (see `registry`)."""
