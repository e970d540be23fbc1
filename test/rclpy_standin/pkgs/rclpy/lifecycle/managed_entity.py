"""rclpy.lifecycle.managed_entity: TransitionCallbackReturn and the managed-entity hooks."""

from enum import Enum


class TransitionCallbackReturn(Enum):
    """The pybind11 enum TransitionCallbackReturnType of rclpy (SUCCESS, FAILURE, ERROR)."""

    SUCCESS = 97  # lifecycle_msgs/Transition TRANSITION_CALLBACK_SUCCESS
    FAILURE = 98
    ERROR = 99

    def to_label(self) -> str:
        return self.name.lower()


class ManagedEntity:
    def on_configure(self, state):
        return TransitionCallbackReturn.SUCCESS

    def on_cleanup(self, state):
        return TransitionCallbackReturn.SUCCESS

    def on_shutdown(self, state):
        return TransitionCallbackReturn.SUCCESS

    def on_activate(self, state):
        return TransitionCallbackReturn.SUCCESS

    def on_deactivate(self, state):
        return TransitionCallbackReturn.SUCCESS

    def on_error(self, state):
        return TransitionCallbackReturn.SUCCESS


class SimpleManagedEntity(ManagedEntity):
    """Sets a flag when activated / deactivated."""

    def __init__(self):
        self._enabled = False

    def on_activate(self, state):
        self._enabled = True
        return TransitionCallbackReturn.SUCCESS

    def on_deactivate(self, state):
        self._enabled = False
        return TransitionCallbackReturn.SUCCESS

    @property
    def is_activated(self) -> bool:
        return self._enabled
