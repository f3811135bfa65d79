"""``python -m mesh``: see ``mesh.cli``."""

import sys

from mesh.cli import main

sys.exit(main())
