"""Administration home and the settings page (the settings themselves: app/core/settings.py)."""
