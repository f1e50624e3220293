"""`python -m pipeline`: the same as `border-atlas`."""

import sys

from pipeline.cli import main

sys.exit(main())
