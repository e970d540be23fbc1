"""launch.events.process.ProcessExited with the RunningProcessEvent properties."""


class ProcessExited:
    def __init__(self, *, returncode: int, action, name: str, cmd, cwd=None, env=None, pid: int = 0):
        self._returncode, self._action, self._name, self._cmd, self._pid = returncode, action, name, cmd, pid

    @property
    def returncode(self) -> int:
        return self._returncode

    @property
    def action(self):
        return self._action

    @property
    def process_name(self) -> str:
        return self._name

    @property
    def pid(self) -> int:
        return self._pid
