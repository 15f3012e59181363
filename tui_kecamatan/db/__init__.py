"""Database layer: peewee models, connection settings, migrations and seed data."""
