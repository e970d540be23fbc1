"""launch.launch_description_sources.PythonLaunchDescriptionSource."""


class PythonLaunchDescriptionSource:
    def __init__(self, launch_file_path):
        self._location = launch_file_path

    @property
    def location(self):
        return self._location
