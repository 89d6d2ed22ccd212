"""Accounts and logging in. The roles and who may call which route: app/core/access.py."""
