"""The one error of the task services."""


class TaskError(ValueError):
    """A change the rules refuse; the message is shown to the user."""
