"""Units and unit groups: who sends and who receives."""
