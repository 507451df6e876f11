"""Yigai (医改): build, validate and release the dataset of China's local health-reform plans."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("yigai")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

__all__ = ["__version__"]
