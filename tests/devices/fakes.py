"""A scripted GattLink for protocol setup tests."""

from collections.abc import Callable

WriteHook = Callable[["FakeLink", str, bytes], None]


class FakeLink:
    """Records every GATT operation in order; `on_write` plays the device's replies."""

    def __init__(self, mtu: int = 247, on_write: WriteHook | None = None) -> None:
        self._mtu = mtu
        self.on_write = on_write
        self.log: list[tuple[str, str, bytes]] = []
        self.reads: dict[str, list[bytes]] = {}
        self.callbacks: dict[str, Callable[[bytes], None]] = {}
        self.fail_writes = False

    @property
    def mtu(self) -> int:
        return self._mtu

    async def write(self, char: str, data: bytes, *, response: bool = True) -> None:
        if self.fail_writes:
            raise ConnectionError("link lost")
        self.log.append(("write", char, bytes(data)))
        if self.on_write is not None:
            self.on_write(self, char, bytes(data))

    async def read(self, char: str) -> bytes:
        self.log.append(("read", char, b""))
        queue = self.reads.get(char)
        if not queue:
            raise ConnectionError(f"nothing to read from {char}")
        return queue.pop(0) if len(queue) > 1 else queue[0]

    async def start_notify(self, char: str, callback: Callable[[bytes], None]) -> None:
        self.log.append(("notify", char, b""))
        self.callbacks[char] = callback

    def notify(self, char: str, data: bytes) -> None:
        self.callbacks[char](data)

    def ops(self) -> list[tuple[str, str]]:
        return [(op, char) for op, char, _ in self.log]

    def writes(self, char: str) -> list[bytes]:
        return [data for op, c, data in self.log if op == "write" and c == char]
