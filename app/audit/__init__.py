"""The audit log's page. The events and record(), which every feature calls: app/core/audit.py."""
