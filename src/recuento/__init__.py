"""recuento: link lists of people and count them honestly."""

from importlib.metadata import PackageNotFoundError, version

from recuento.errors import RecuentoError

try:
    __version__ = version("recuento")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"

__all__ = ["RecuentoError", "__version__"]
