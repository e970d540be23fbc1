"""launch_ros.actions.Node and LifecycleNode: record what they would start (``standin_kwargs`` is for tests only)."""


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


class LifecycleNode(Node):
    """A managed node; as in launch_ros, ``name`` and ``namespace`` are required."""

    def __init__(self, *, name, namespace, **kwargs):
        super().__init__(name=name, namespace=namespace, **kwargs)
