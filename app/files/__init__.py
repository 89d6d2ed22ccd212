"""Stored files: uploads and rendered documents, kept under FILES_DIR by SHA-256."""
