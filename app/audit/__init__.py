"""The audit log: record() adds an event to the current transaction."""
