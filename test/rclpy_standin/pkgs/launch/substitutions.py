"""launch.substitutions: TextSubstitution and LaunchConfiguration."""


class SubstitutionFailure(Exception):
    pass


class TextSubstitution:
    def __init__(self, *, text: str):
        self.text = text

    def perform(self, context) -> str:
        return self.text


class LaunchConfiguration:
    def __init__(self, variable_name: str, *, default=None):
        self.variable_name, self._default = variable_name, default

    def perform(self, context) -> str:
        if self.variable_name in context.launch_configurations:
            return context.launch_configurations[self.variable_name]
        if self._default is None:
            raise SubstitutionFailure(f"launch configuration '{self.variable_name}' does not exist")
        return self._default
