"""Yigai (医改): build, validate and release the dataset of China's local health-reform plans."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("yigai")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

__all__ = ["__version__", "load"]


def load(path_or_url, format="csv", verify=True, timeout=None, max_bytes=None):
    """Return the tables of a Yigai package (folder, release archive, URL or version) as typed pandas DataFrames.

    Archives and downloads are verified (SHA256SUMS, datapackage.json and manifest.json) before anything is read;
    `format` is csv, parquet or sqlite (same frames from each); `verify=False` opens a folder you edited and warns
    which files differ. See yigai.loading.load.
    """
    from yigai.loading import load as _load

    return _load(path_or_url, format=format, verify=verify, timeout=timeout, max_bytes=max_bytes)
