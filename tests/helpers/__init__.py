"""What several test modules share: the test databases, signing in, look-ups, PDF measurements.

Test modules import from here, never from one another.
"""
