"""Administration home and site settings."""
