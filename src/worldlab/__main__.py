"""``python -m worldlab`` is the ``worldlab`` command."""

import sys

from worldlab.cli import main

sys.exit(main())
