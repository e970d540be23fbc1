"""rclpy.exceptions: the parameter exceptions."""


class ParameterException(Exception):
    def __init__(self, error_msg, parameters=()):
        super().__init__(f"{error_msg}: {parameters}")


class ParameterNotDeclaredException(ParameterException):
    def __init__(self, parameters):
        super().__init__("Invalid access to undeclared parameter(s)", parameters)


class ParameterAlreadyDeclaredException(ParameterException):
    def __init__(self, parameters):
        super().__init__("Parameter(s) already declared", parameters)


class InvalidParameterTypeException(ParameterException):
    def __init__(self, desired_parameter, expected_type):
        super().__init__(
            f"Trying to set parameter '{desired_parameter.name}' to '{desired_parameter.value}' of type "
            f"'{desired_parameter.type_.name}', expecting type '{expected_type}'",
            desired_parameter.name,
        )


class InvalidParameterValueException(ParameterException):
    def __init__(self, parameter, value, reason):
        super().__init__(f"Invalid parameter value ({value}) for parameter. Reason: {reason}", parameter)


class ParameterImmutableException(ParameterException):
    def __init__(self, parameter_name):
        super().__init__("Attempted to modify read-only parameter", parameter_name)
