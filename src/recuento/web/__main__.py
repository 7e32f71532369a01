"""``python -m recuento.web COMMAND``: Django's management commands for this site.

For development and CI, e.g. ``python -m recuento.web makemigrations --check --dry-run``
or ``python -m recuento.web compilemessages``. To run the site use ``recuento serve``.
"""

from __future__ import annotations

import os
import sys

from recuento.web import SETTINGS_MODULE, require_django


def main() -> None:
    """Run a Django management command with this site's settings."""
    require_django()
    from django.core.management import execute_from_command_line

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    execute_from_command_line([f"{sys.executable} -m recuento.web", *sys.argv[1:]])


if __name__ == "__main__":
    main()
