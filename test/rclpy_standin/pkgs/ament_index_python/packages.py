"""get_package_share_directory: looks the package up in the ament index under AMENT_PREFIX_PATH, like ament."""

import os


class PackageNotFoundError(KeyError):
    pass


def get_package_prefix(package_name: str) -> str:
    for prefix in filter(None, os.environ.get("AMENT_PREFIX_PATH", "").split(os.pathsep)):
        marker = os.path.join(prefix, "share", "ament_index", "resource_index", "packages", package_name)
        if os.path.isfile(marker):
            return prefix
    raise PackageNotFoundError(f"package '{package_name}' not found, searching: {os.environ.get('AMENT_PREFIX_PATH')}")


def get_package_share_directory(package_name: str, print_warning: bool = True) -> str:
    return os.path.join(get_package_prefix(package_name), "share", package_name)
