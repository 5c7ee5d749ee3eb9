"""An uninterrupted twin of a virtual wearable, for judging what Home Assistant counted.

The same wearer (scenario, seed, placement), the same protocol decoder and the same gait engine,
linked directly, without Home Assistant, radio faults or reconnects. Whatever the real path counts
differently from this twin during the periods it was connected is the link's doing, not the
engine's: the fault tests and the soak compare against it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator

from custom_components.retrowalk.devices.base import SampleBatch
from custom_components.retrowalk.devices.retrowalk_imu import RetrowalkImu
from custom_components.retrowalk.gait import Direction, GaitEngine, Placement, StepEvent

from .device import VirtualWearable
from .plan import plan
from .segments import Activity, Segment
from .span import Span

REFERENCE_ADDRESS = "D0:5E:57:1A:FF:FE"
# A step reported this close to a walk is the walk's: step times lead or lag the true contacts
# a little, and a walk's first steps are confirmed retroactively.
WALK_EDGE_S = 1.5


class ActivityTimeline:
    """What the wearer was doing when: the scenario's spans on the wearer's clock.

    Only (start, end, activity, walking) is kept per span, so a soak's twin holds a few bytes
    per span rather than the spans' motion arrays.
    """

    def __init__(self, scenario: list[Segment], *, seed: int, loop: bool) -> None:
        self._plan: Iterator[Span] = plan(scenario, seed, loop)
        self._starts: list[float] = []
        self._spans: list[tuple[float, float, Activity, bool]] = []

    def _extend(self, t: float) -> None:
        while not self._spans or self._spans[-1][1] <= t:
            span = next(self._plan, None)
            if span is None:
                return
            self._starts.append(span.start)
            self._spans.append((span.start, span.end, span.segment.activity, span.segment.walking))

    def idle_activity(self, t: float) -> Activity | None:
        """The activity at time t if nobody walks within WALK_EDGE_S of it, else None."""
        self._extend(t + WALK_EDGE_S)
        i = max(0, bisect_right(self._starts, t) - 1)
        _, _, activity, walking = self._spans[i]
        if walking:
            return None
        for j in (i - 1, i + 1):
            if 0 <= j < len(self._spans):
                start, end, _, near_walking = self._spans[j]
                if near_walking and start - WALK_EDGE_S <= t < end + WALK_EDGE_S:
                    return None
        return activity

    def idle_seconds(self, until: float) -> dict[Activity, float]:
        """Seconds spent in each activity without steps from the start until `until`."""
        self._extend(until)
        out: dict[Activity, float] = {}
        for start, end, activity, walking in self._spans:
            if start >= until:
                break
            if not walking:
                out[activity] = out.get(activity, 0.0) + min(end, until) - start
        return out


class _DirectLink:
    """A GATT link straight to a VirtualWearable."""

    def __init__(self, device: VirtualWearable) -> None:
        self.device = device
        device.accept(lambda: None)

    @property
    def mtu(self) -> int:
        return self.device.mtu

    async def write(self, char: str, data: bytes, *, response: bool = True) -> None:
        self.device.write(char, data)

    async def read(self, char: str) -> bytes:
        return self.device.read(char)

    async def start_notify(self, char: str, callback: Callable[[bytes], None]) -> None:
        self.device.subscribe(char, callback)


class ReferenceRun:
    """The same wearer, decoder and gait engine, uninterrupted and outside Home Assistant.

    Counts are kept, not steps, so a day-long run stays small. The owner may say when the real
    path's link went up and down (link_up/link_down, device clock); steps that happened while it
    was up are counted separately in `while_connected`.
    """

    def __init__(
        self, scenario: list[Segment], *, placement: Placement, seed: int, loop: bool = False
    ) -> None:
        self.device = VirtualWearable(
            address=REFERENCE_ADDRESS,
            name="Reference",
            placement=placement,
            scenario=scenario,
            seed=seed,
            loop=loop,
        )
        self.engine = GaitEngine(placement)
        self.totals: Counter[Direction] = Counter()
        self.while_connected: Counter[Direction] = Counter()
        # Steps counted while the wearer did something else than walk, by that activity.
        self.timeline = ActivityTimeline(scenario, seed=seed, loop=loop)
        self.false_steps: Counter[Activity] = Counter()
        self._windows: list[tuple[float, float]] = []
        self._up_since: float | None = None

    async def start(self) -> None:
        """Connect and start streaming (the device streams as time is advanced)."""
        await RetrowalkImu().start(_DirectLink(self.device), self._on_batch)

    def link_up(self, t: float) -> None:
        """The real path's link came up at device time t."""
        if self._up_since is None:
            self._up_since = t

    def link_down(self, t: float) -> None:
        """The real path's link went down at device time t."""
        if self._up_since is not None:
            self._windows.append((self._up_since, t))
            self._up_since = None

    def _on_batch(self, batch: SampleBatch) -> None:
        self._count(self.engine.process(batch.t, batch.acc, batch.gyro).steps)

    def _count(self, steps: Iterable[StepEvent]) -> None:
        # Steps are reported up to ~1.5 s late, so a step is judged by its own time, against
        # the windows closed since as well as the open one.
        for step in steps:
            self.totals[step.direction] += 1
            idle = self.timeline.idle_activity(step.t)
            if idle is not None:
                self.false_steps[idle] += 1
            up = self._up_since is not None and step.t >= self._up_since
            if up or any(a <= step.t < b for a, b in reversed(self._windows)):
                self.while_connected[step.direction] += 1

    def end_stream(self) -> None:
        """End the stream where the real path's was stopped (not a fault: no steps missed).

        What the engine held counts, as Home Assistant's flush at a stop does; the next samples
        start a stream anew. A step right at the edge can fall either side of it (gait/edges.py),
        so a real path stopped there is compared with this, not with an uninterrupted run.
        """
        self._count(self.engine.flush().steps)

    def finish(self) -> Counter[Direction]:
        """End the stream; counts of every step."""
        self._count(self.engine.flush().steps)
        return Counter(self.totals)
