"""Business rules: the only layer that talks to both the ORM and the core."""
