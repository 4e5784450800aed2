"""``python -m bitrix24_toolkit`` runs the ``b24`` command."""

import sys

from .cli import main

sys.exit(main())
