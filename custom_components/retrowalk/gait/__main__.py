"""Entry point: python -m custom_components.retrowalk.gait replay REC.csv --placement foot."""

import sys

from .cli import main

sys.exit(main())
