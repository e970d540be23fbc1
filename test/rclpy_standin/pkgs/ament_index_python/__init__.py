"""Stand-in for ament_index_python."""

from ament_index_python.packages import PackageNotFoundError, get_package_share_directory  # noqa: F401
