"""Constants for the Retrowalk integration."""

from typing import Final

DOMAIN: Final = "retrowalk"
