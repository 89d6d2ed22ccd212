"""Leading-group rosters (领导小组) and their history."""
