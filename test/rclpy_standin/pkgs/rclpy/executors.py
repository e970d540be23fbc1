"""rclpy.executors: only the exception that spin raises when the context is shut down elsewhere."""


class ExternalShutdownException(Exception):
    """The context was shut down while spinning."""
