"""Accounts, login and the access rules."""
