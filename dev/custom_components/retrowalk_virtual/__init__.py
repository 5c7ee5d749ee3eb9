"""Development only: a virtual Retrowalk IMU wearable behind a virtual Bluetooth proxy.

Not shipped (HACS installs `custom_components/retrowalk/` alone). `./scripts/develop` and the e2e
suite link this folder into their config's `custom_components/` next to `retrowalk`; the tests and
tools import it as `custom_components.retrowalk_virtual` with `dev/` on the Python path.

```yaml
retrowalk_virtual:
  scenario: demo
```
"""

from homeassistant.core import HomeAssistant
from homeassistant.helpers.typing import ConfigType

from .config import CONFIG_SCHEMA, DOMAIN

__all__ = ["CONFIG_SCHEMA", "DOMAIN"]


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Start the virtual wearable and register its actions when configuration.yaml asks for it."""
    if DOMAIN in config:
        # The gait model loads only when a wearable is asked for.
        from .setup import async_setup_virtual_wearable  # noqa: PLC0415

        await async_setup_virtual_wearable(hass, config[DOMAIN])
    return True
