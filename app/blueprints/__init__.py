"""Blueprints, one per user area."""
