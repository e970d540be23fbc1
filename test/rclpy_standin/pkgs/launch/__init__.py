"""Stand-in for the launch API subset follow.launch.py uses."""

from launch import actions, event_handlers, events, launch_description_sources, substitutions  # noqa: F401


class LaunchContext:
    def __init__(self, *, argv=None, noninteractive=False):
        self._launch_configurations: dict[str, str] = {}
        self._is_shutdown = False

    @property
    def is_shutdown(self) -> bool:
        return self._is_shutdown

    @property
    def launch_configurations(self) -> dict:
        return self._launch_configurations


class LaunchDescription:
    def __init__(self, initial_entities=None, *, deprecated_reason=None):
        self._entities = list(initial_entities or [])

    @property
    def entities(self) -> list:
        return self._entities

    def add_action(self, action) -> None:
        self._entities.append(action)

    def get_launch_arguments(self) -> list:
        return [e for e in self._entities if isinstance(e, actions.DeclareLaunchArgument)]
