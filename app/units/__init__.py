"""Units and unit groups, and the addressees picked from them: who sends and who receives."""
