"""launch.event_handlers.OnProcessExit: runs ``on_exit`` (actions, or a callable of event and context)."""


class OnProcessExit:
    def __init__(self, *, target_action=None, on_exit, **kwargs):
        self._target_action, self._on_exit = target_action, on_exit

    @property
    def target_action(self):
        """Stand-in only: the action whose exit is watched."""
        return self._target_action

    def handle(self, event, context):
        return self._on_exit(event, context) if callable(self._on_exit) else self._on_exit
