"""``python -m eval`` is ``python -m eval.run`` (see :mod:`eval.run` for the options)."""

import sys

from eval.run import main

sys.exit(main())
