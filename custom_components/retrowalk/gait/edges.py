"""Which steps a foot sensor saw when its data, or the walk itself, starts or stops.

The foot detector confirms steps from whole strides (stance to stance), so a gap that cuts a
stride would lose steps that happened while the data was flowing. The gait cycle says when they
happen: with this foot landing at 0 and again at P, the other foot lands at about P/2, while this
foot is still on the ground (stance lasts about 60 % of the cycle). The detector sees a landing
only when the foot is flat and still, which follows the first contact by the loading response,
about 10 % of the cycle (Perry's gait phases). Hence, with hs the detected landing:
- data that ends mid-stride saw the other foot's landing if it reached hs + 0.4 P (it always did
  once this foot had lifted off), and this foot's next landing if it reached hs + 0.9 P;
- data that starts mid-swing saw this foot's landing if its contact, 0.1 P before the foot was
  flat, came after the start; never the other foot's, which came before lift-off;
- data that starts in stance missed the other foot's landing if it began after hs + 0.4 P (hs
  estimated from the lift-off and the usual stance length).
The rhythm (stride period, stance length, direction) comes from the strides just before; a step
is only claimed at an edge while the walk is steady, so a pause is never mistaken for walking.

A walk from standing to standing has edges of its own. This foot's stride spans the other foot's
step before it and its own (it travels from a step behind the other foot to a step ahead), so a
stride of about half the usual length starts or ends a walk: from feet side by side to a step
ahead, or from a step behind to side by side. Hence:
- the first stride after standing still that is a half stride led the walk off: the other foot
  had not stepped before it, so it is one step, not two;
- a walk that stops after this foot's full stride leaves the other foot a step behind; standing
  still, the feet end side by side, so the other foot made one closing step, counted once this
  foot has stood for a whole stride period (after a half stride this foot closed the feet).
The usual stride length is kept per direction, from strides inside walks only. Before there is
one (a fresh engine's first walk in a direction), the walk's own next stride is the measure: the
first stride's other-foot step waits for it (LeadOff). That costs little: the walking gate
holds a walk's first steps until its second stride confirms the walk anyway.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
import statistics

from .stride import MAX_STRIDE_TIME_S
from .types import Direction, StepEvent

_HISTORY = 5  # strides the rhythm is the median of
_STEADY = 1.3  # the stride in progress may run this many periods past the last heel strike
_RECENT = 5.0  # s: a walk this recent lends its direction to an edge step too short to judge
LOADING = 0.1  # first contact to foot flat, as a fraction of the gait cycle
_STANCE = 0.45  # foot flat to lift-off, as a fraction of the cycle, until strides measure it
_LONG_STANCE = 1.5  # a stance this many times the usual one means the walk has stopped
EDGE_CONFIDENCE = 0.6  # cap: an edge step's direction is inferred from a partial stride
_LENGTHS = 9  # strides whose median is the usual stride length
# Side-stepping feet never pass each other: every stride of either foot is one step.
_SIDEWAYS = (Direction.LEFT, Direction.RIGHT)
# A half stride is about 0.5 of the usual one (a first step from standing is often shorter
# still); a stride beyond 0.6 took this foot clearly past the other, by more than about half a
# foot's length, which a standing person closes.
HALF_STRIDE = 0.6


def is_half(length: float, whole: float) -> bool:
    """Whether a stride of `length` m is a half stride next to whole strides of `whole` m."""
    return length < HALF_STRIDE * whole


@dataclass(slots=True)
class Rhythm:
    """The walk's recent timing and direction, kept across gaps (not across restarts)."""

    periods: deque[float] = field(default_factory=lambda: deque(maxlen=_HISTORY))
    stances: deque[float] = field(default_factory=lambda: deque(maxlen=_HISTORY))
    last_heel_strike: float | None = None
    direction: Direction | None = None
    linked: bool = False  # the last heel strike and the next one are in the same segment
    # Per direction: people step shorter backwards and sideways than forwards.
    lengths: dict[Direction, deque[float]] = field(default_factory=dict)
    last_length: float | None = None  # m, of the stride that ended at last_heel_strike
    closed: bool = False  # the walk's edge after last_heel_strike was already judged

    def stride(
        self, toe_off: float, heel_strike: float, direction: Direction, length: float | None = None
    ) -> None:
        """Record a counted stride that lifted off at toe_off and landed at heel_strike."""
        last = self.last_heel_strike
        if self.linked and last is not None and 0.0 < heel_strike - last <= MAX_STRIDE_TIME_S:
            self.periods.append(heel_strike - last)
            if last <= toe_off:
                self.stances.append(toe_off - last)
            if length is not None:  # only strides inside a walk: starts are halves
                self.lengths.setdefault(direction, deque(maxlen=_LENGTHS)).append(length)
        self.last_heel_strike = heel_strike
        self.direction = direction
        self.linked = True
        self.last_length = length
        self.closed = False

    def gap(self) -> None:
        """The data stopped: the next stride's interval to the last one is no period."""
        self.linked = False

    def landed(self, heel_strike: float, direction: Direction) -> None:
        """Record a heel strike seen without its stride (after a gap): timing only."""
        self.last_heel_strike = heel_strike
        self.direction = direction
        self.linked = True
        self.last_length = None
        self.closed = False

    def usual_lengths(self) -> dict[str, list[float]]:
        """JSON-safe recent stride lengths per direction (a person's strides outlive a restart)."""
        return {str(d): [round(x, 3) for x in q] for d, q in self.lengths.items()}

    def load_usual_lengths(self, state: object) -> None:
        """Restore what usual_lengths() returned, in place of what is held (malformed: none).

        In place, not merged: a cancelled calibration walk's strides go, as a restart mid-walk
        loses them (GaitEngine.to_dict stores the state from before the walk).
        """
        self.lengths.clear()
        if not isinstance(state, dict):
            return
        for name, values in state.items():
            try:
                direction = Direction(name)
                lengths = [float(x) for x in values]
            except (TypeError, ValueError):
                continue
            usable = [x for x in lengths if 0.0 < x < 10.0]  # also drops nan and inf
            self.lengths[direction] = deque(usable[-_LENGTHS:], maxlen=_LENGTHS)

    def _half(self, length: float, direction: Direction) -> bool | None:
        """Whether a stride of `length` m is a half stride (None: no usual length yet)."""
        usual = self.lengths.get(direction, ())
        if len(usual) < 2:
            return None
        return is_half(length, statistics.median(usual))

    def leads_off(self, toe_off: float, length: float, direction: Direction) -> bool | None:
        """Whether a stride lifting off at toe_off began a walk with this foot's step.

        True for a half stride after standing still; None for a stride after standing still
        with no usual length in its direction to compare it to (see LeadOff); else False.
        """
        last = self.last_heel_strike
        if (last is not None and toe_off - last <= MAX_STRIDE_TIME_S) or direction in _SIDEWAYS:
            return False  # the walk was going on, or no feet passing each other
        return self._half(length, direction)

    def stopped(self, now: float, stance_start: float, after: float) -> list[StepEvent]:
        """The other foot's closing step once a walk stopped after this foot's whole stride.

        This foot has stood since `stance_start` until `now`; `after` as in before_gap().
        """
        last, direction = self.last_heel_strike, self.direction
        if (
            self.closed
            or last is None
            or direction is None
            or self.last_length is None
            or stance_start != last
            or direction in _SIDEWAYS
        ):
            return []
        # Only then the period (a median): this runs on every notification while a foot stands.
        period = self.period
        # Standing on this foot for a whole stride period (stance alone varies with the
        # direction and pace of the walk) means the walk stopped.
        if period is None or now - last <= max(_LONG_STANCE * self._stance(period), period):
            return []
        self.closed = True
        if self._half(self.last_length, direction) is not False:
            return []  # this foot's half stride closed the feet (or nothing to compare it to)
        t = max(last + (0.5 - LOADING) * period, after + 1e-3)
        return [StepEvent(t=t, direction=direction, confidence=EDGE_CONFIDENCE, sensor_foot=False)]

    def _stance(self, period: float) -> float:
        return statistics.median(self.stances) if self.stances else _STANCE * period

    @property
    def period(self) -> float | None:
        """Median stride period (s) of the recent strides."""
        return statistics.median(self.periods) if self.periods else None

    def before_gap(self, end: float, stance_start: float | None, after: float) -> list[StepEvent]:
        """Steps of the stride in progress that data ending at `end` saw, if the walk was steady.

        `stance_start` is when the stance the data ended in began (None: the foot was moving);
        `after` is the time of the last step already reported.
        """
        period, last, direction = self.period, self.last_heel_strike, self.direction
        if period is None or last is None or direction is None:
            return []
        if end - last > _STEADY * period:
            return []  # the walk had paused: nothing says a stride was under way
        if stance_start is not None and (
            stance_start != last or end - last > _LONG_STANCE * self._stance(period)
        ):
            return []  # a stance that ended no counted stride, or outlasted a stride's: a pause
        self.closed = True  # whatever follows the gap is judged on its own
        # The other foot's landing, then (once this foot is in the air) this foot's own.
        phases = (0.5 - LOADING,) if stance_start is not None else (0.5 - LOADING, 1.0 - LOADING)
        out: list[StepEvent] = []
        for phase in phases:
            t = last + phase * period
            if t > end:
                break
            after = min(max(t, after + 1e-3), end)
            out.append(
                StepEvent(
                    t=after,
                    direction=direction,
                    confidence=EDGE_CONFIDENCE,
                    sensor_foot=phase == phases[-1] and len(phases) == 2,
                )
            )
        return out

    def recent_direction(self, t: float) -> Direction | None:
        """Direction of a walk whose last heel strike was at most a few seconds before t."""
        last = self.last_heel_strike
        if last is None or not 0.0 <= t - last <= _RECENT:
            return None
        return self.direction

    def other_foot_missed(self, first: float, toe_off: float) -> bool:
        """Whether data that began in a stance missed the other foot's landing.

        `first` is when the data began, `toe_off` when that stance ended.
        """
        period = self.period
        if period is None:
            return False
        heel_strike = toe_off - self._stance(period)
        return (
            heel_strike + (0.5 - LOADING) * period < first
            and self.recent_direction(first) is not None
        )


@dataclass(slots=True)
class LeadOff:
    """A first stride from standing with no usual stride length to judge it: the next one does.

    Inside a walk this foot's strides are whole ones, so the walk's second stride measures the
    first: about half of it, this foot led the walk off and the other foot had not stepped
    before it (one step, not two). Until then the other foot's step at the lift-off waits, and
    so do the steps after it, to keep them in time order. Nothing to compare with (no second
    stride within a stride period, a turning one, or one in another direction) keeps it: a
    walk is counted as the other foot's lead-off, as before there was this rule.
    """

    other: StepEvent  # the other foot's step, put at this foot's lift-off
    landing: float  # s: this foot's heel strike that ended the stride
    length: float  # m
    direction: Direction
    held: list[StepEvent] = field(default_factory=list)  # steps after it, in time order
    ahead: int = 0  # steps the detector call that made it had reported before it (they go out)
    # The next stride: its landing (s), length (m; None for a turning step) and direction.
    next_landing: float | None = None
    next_length: float | None = None
    next_direction: Direction | None = None

    def follow(self, landing: float, length: float | None, direction: Direction) -> None:
        """The next stride landed (its length may still grow, see foot.py's glides)."""
        if self.next_landing is None:
            self.next_landing, self.next_length, self.next_direction = landing, length, direction

    @property
    def led(self) -> bool:
        """Whether this foot led the walk off, by the next stride (False: nothing to judge by)."""
        return (
            self.next_landing is not None
            and 0.0 < self.next_landing - self.landing <= MAX_STRIDE_TIME_S
            and self.next_length is not None
            and self.next_direction is self.direction
            and is_half(self.length, self.next_length)
        )

    def expired(self, now: float | None) -> bool:
        """Whether no next stride came, nor can come by sample time `now` (None: data ended)."""
        return self.next_landing is None and (now is None or now - self.landing > MAX_STRIDE_TIME_S)

    def release(self) -> list[StepEvent]:
        """The held steps, the other foot's first only if this foot did not lead off."""
        return self.held if self.led else [self.other, *self.held]


@dataclass(slots=True)
class LeadOffHold:
    """The foot detector's undecided lead-off (at most one) and the steps waiting behind it.

    The bookkeeping lives here, not in the detector, so foot.py reads as stance and stride
    detection: the detector reports every step it finds, and settle() lets through those not
    waiting on a lead-off, in time order.
    """

    lead: LeadOff | None = None

    def follow(self, landing: float, length: float | None, direction: Direction) -> None:
        """A stride landed: if a lead-off waits, this one may judge it (LeadOff.follow)."""
        if self.lead is not None:
            self.lead.follow(landing, length, direction)

    def begin(
        self,
        other: StepEvent,
        landing: float,
        length: float,
        direction: Direction,
        out: list[StepEvent],
    ) -> None:
        """A first stride from standing with nothing to judge it by: hold the other foot's step.

        `out` holds the steps the detector has found so far in this call; a lead-off still
        waiting had no second stride (a walk of its own after standing ends it), so its steps go
        out as they stand, where they belong among them.
        """
        old = self.lead
        if old is not None:
            out[old.ahead : old.ahead] = old.release()
        self.lead = LeadOff(other, landing, length, direction, ahead=len(out))

    def glided(self, landing: float, whole: float) -> None:
        """The stride that landed at `landing` was integrated on through a glide to `whole` m.

        A lead-off is judged on whole strides, not on the parts before a glide.
        """
        lead = self.lead
        if lead is None:
            return
        if lead.landing == landing:
            lead.length = whole
        elif lead.next_landing == landing and lead.next_length is not None:
            lead.next_length = whole

    def settle(
        self, events: list[StepEvent], now: float | None, measuring: float | None
    ) -> list[StepEvent]:
        """Steps held behind an undecided lead-off wait; the rest go out.

        It is decided once the stride after it has left the detector's hold (`measuring` is the
        landing of the stride still held there, whose length a glide may still change), or once
        no such stride can come by sample time `now` (None: the data ended).
        """
        lead = self.lead
        if lead is None:
            return events
        ahead, lead.ahead = events[: lead.ahead], 0
        lead.held += events[len(ahead) :]
        if lead.next_landing is not None:
            if measuring == lead.next_landing:
                return ahead  # still measuring the stride that judges it
        elif not lead.expired(now):
            return ahead
        self.lead = None
        return ahead + lead.release()
