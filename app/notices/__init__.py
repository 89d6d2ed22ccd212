"""Official notices (公文): drafting, review, sign-off, numbering, issue."""
