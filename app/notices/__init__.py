"""Official notices (公文): drafting, review, sign-off, numbering, issue. Other features hear of them through
app/notices/signals.py."""
