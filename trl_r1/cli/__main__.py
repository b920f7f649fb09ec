"""``python -m trl_r1.cli``: the ``trl-r1`` command."""

import sys

from trl_r1.cli import main

if __name__ == "__main__":
    sys.exit(main())
