"""Toy worlds: small, seeded environments, each in its own module."""
