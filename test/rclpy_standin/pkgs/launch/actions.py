"""launch.actions: DeclareLaunchArgument, OpaqueFunction, RegisterEventHandler, IncludeLaunchDescription."""

from launch.substitutions import TextSubstitution


class DeclareLaunchArgument:
    def __init__(self, name: str, *, default_value=None, description=None, choices=None, **kwargs):
        if default_value is not None and not isinstance(default_value, str):
            raise TypeError("stand-in: default_value must be a string")
        self._name = name
        self._default_value = None if default_value is None else [TextSubstitution(text=default_value)]
        self._description = description or "no description given"
        self._choices = choices

    @property
    def name(self) -> str:
        return self._name

    @property
    def default_value(self):
        return self._default_value

    @property
    def description(self) -> str:
        return self._description

    @property
    def choices(self):
        return self._choices


class OpaqueFunction:
    def __init__(self, *, function, args=None, kwargs=None, **left_over_kwargs):
        self._function, self._args, self._kwargs = function, args or [], kwargs or {}

    def execute(self, context):
        return self._function(context, *self._args, **self._kwargs)


class RegisterEventHandler:
    def __init__(self, event_handler, **kwargs):
        self._event_handler = event_handler

    @property
    def event_handler(self):
        return self._event_handler


class IncludeLaunchDescription:
    def __init__(self, launch_description_source, *, launch_arguments=None, **kwargs):
        self._launch_description_source = launch_description_source
        self._launch_arguments = list(launch_arguments or [])

    @property
    def launch_description_source(self):
        return self._launch_description_source

    @property
    def launch_arguments(self):
        return self._launch_arguments
