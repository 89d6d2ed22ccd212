"""Backup and restore of the whole intranet: the database and every stored file, in one archive."""
