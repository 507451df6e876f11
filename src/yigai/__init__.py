"""Yigai (医改): build, validate and release the dataset of China's local health-reform plans."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("yigai")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

__all__ = ["__version__", "load"]


def load(path_or_url):
    """Return the tables of a Yigai package (folder, release archive, URL or version) as typed pandas DataFrames.

    Archives and downloads are verified (SHA256SUMS and resource hashes) before anything is read; see yigai.loading.
    """
    from yigai.loading import load as _load

    return _load(path_or_url)
