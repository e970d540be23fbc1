"""launch_ros.actions.Node: records what it would start (``standin_kwargs`` is for tests only)."""


class Node:
    def __init__(self, *, executable, package=None, name=None, namespace=None, exec_name=None, parameters=None,
                 remappings=None, ros_arguments=None, arguments=None, **kwargs):
        self._package, self._executable = package, executable
        self.standin_kwargs = {
            "name": name, "namespace": namespace, "parameters": parameters, "remappings": remappings,
            "ros_arguments": ros_arguments, "arguments": arguments, **kwargs,
        }

    @property
    def node_package(self):
        return self._package

    @property
    def node_executable(self):
        return self._executable
