"""Distribution of issued notices and their receipts (签收), reminders (催办)."""
