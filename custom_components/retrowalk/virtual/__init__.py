"""A virtual Retrowalk IMU wearable behind a virtual Bluetooth proxy (development and tests)."""
