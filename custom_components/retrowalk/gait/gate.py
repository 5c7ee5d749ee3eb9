"""The walking gate: candidate steps count only inside a confirmed walking bout.

A detector reports every rhythmic jolt that looks like a step; people at a desk, eating, brushing
teeth or talking with their hands make plenty of those. Walking differs from them physically in
three ways the gate checks on a run of consecutive candidates before anything is counted:

- Rhythm. Legs are pendulums: consecutive steps of a walk follow each other at 0.25-1.3 s and
  within a few steps vary by a few per cent (stride-time variability of healthy and older
  walkers is 2-5 %); gestures come in ones and twos or at irregular intervals.
- Persistence. A walk takes several steps in a row; a gesture burst rarely keeps the rhythm that
  long. confirm_steps candidates in a row are needed (the Espruino/Bangle.js counter asks for a
  run of steps inside a time window for the same reason).
- Mechanics per placement (the detector's StepFeatures): the heel strike's vertical jolt has a
  minimum size at the trunk, and the posture must allow walking (a thigh that is horizontal is
  sitting; a forearm held in front is not swinging, so it needs more evidence).

Held candidates are released retroactively when the bout is confirmed, so a 12-step walk counts
from its first step; after that, steps pass through as soon as the detector reports them. A
pause of end_s without a candidate, a candidate out of the bout's rhythm or (where the bout was
confirmed in posture) out of posture ends the bout; unconfirmed candidates are discarded. Missing
data is not a pause. At the wrist, a long walk whose candidates come once per stride (the arm's
swing can hide every other step from the detector) gets the step between them restored, without
changing which bouts exist; the steps it restores in the walk's first 12 candidates come late,
together, the only steps the gate returns out of time order (marked StepEvent.late). At the thigh
and the wrist, an interval as long as the stride of the limb's own swing gets its missed step as
it comes (at the wrist, those are not the stride fill's to restore late). Design, reasons and
figures: docs/walking_gate.md.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
import heapq
import itertools
import math
import statistics
from typing import Any

import numpy as np

from .bouts import BOUT_END_S
from .stride import MAX_STRIDE_TIME_S
from .types import FloatArray, Placement, StepEvent, at_most, interval

# The detector contract (detector.py): a step is reported at most about this long after it happened.
REPORT_LAG_S = 1.5


@dataclass(frozen=True, slots=True)
class GateParams:
    """How much walking evidence one placement needs before steps count."""

    confirm_steps: int  # candidates in a row that confirm a bout (in walking posture)
    min_interval: float = 0.25  # s: faster "steps" are vibration or a double-detected step
    max_interval: float = 1.3  # s: a longer wait between candidates breaks a run
    # Largest relative spread of the confirming run's intervals, (max - min) / median.
    spread: float = 0.5
    min_amplitude: float = 0.0  # m/s^2: smallest vertical jolt of a confirming run's steps
    # Every step of the run must reach it (the trunk feels each heel strike), or only the
    # median step (a hand damps some steps, e.g. a phone held steady in front).
    jolt_every_step: bool = True
    # With jolt_every_step: a run whose one soft candidate (below min_amplitude) lies between
    # firm ones still confirms, if one more candidate in the same rhythm makes up for it: the
    # latest confirm_steps + 1 candidates, in rhythm, hold exactly one soft step, not the
    # newest, so the run still holds confirm_steps heel strikes (_soft_between).
    soft_between: bool = False
    # A run out of rhythm still confirms if its rhythm holds with up to this many slow steps left
    # out and as many more intervals in rhythm make up for them: for k slow steps, the latest
    # need + 2k measured candidates (need: confirm_steps in walking posture, unposed_steps out of
    # it; at the wrist 8 or 10, and 12 or 14) keep the rhythm test with their k longest intervals
    # left out, and those intervals lie inside the run and are steps'. A turn's steps, one round
    # a chair or through a door (_around_slow_steps). One exception a run: a run with a slow
    # step is not also let through by soft_between.
    slow_steps: int = 0
    # Posture: the sensor axis that is near vertical when walking (None: no posture rule), how
    # near (|cos| of its angle to "up"), and what a run out of that posture needs instead
    # (None: it cannot confirm a bout at all).
    upright_axis: int | None = None
    min_upright: float = 0.0
    unposed_steps: int | None = None
    # Inside a confirmed bout a candidate continues it if its interval is within this factor
    # of the bout's median interval (a missed step doubles one) and, where posture_ends_bout,
    # the posture still allows walking; otherwise the bout ends there.
    bout_factor: float = 2.5
    posture_ends_bout: bool = False
    # A bout confirmed in walking posture starts at the first held candidate in that posture:
    # the ones before it were made before the wearer got into it (getting up from a chair).
    posture_starts_walk: bool = False
    # The confirming run must hold confirm_steps candidates the detector measured (a jolt felt);
    # steps it restored in its own rhythm (features None) are carried along but prove nothing.
    measured_run: bool = False
    # Inside a bout confirmed in posture, the posture must also stay within this (cosine of an
    # angle) of the confirming run's mean posture (-1: any walking posture will do), and the
    # walk starts at the first held candidate within it.
    same_posture: float = -1.0
    # Judge the rhythm on stride times (every other candidate): a sensor on one leg feels its
    # own leg's and the other leg's steps differently, so the steps alternate short and long
    # while the strides keep the pendulum's period.
    stride_rhythm: bool = False
    # A run out of that rhythm, in walking posture, still passes if each side's steps keep it:
    # its odd and its even intervals each pass the same spread test, every one of one side
    # shorter than every one of the other. For a sensor on a swinging arm: the detector's peak is
    # the heel strike riding on the arm swing, which reverses every step, so it lands early after
    # one step and late after the other while the legs keep their rhythm. Judging the strides
    # instead (as stride_rhythm does) would also pass irregular arm movement at rest, since a sum
    # of two intervals varies less than either (daily-living, tuned-on: WISDM's wrist 12 -> 27
    # false steps an hour); asking each side to be regular and apart does not (12).
    side_rhythm: bool = False
    # The bout's own walking posture: the confirming run's mean "up" (in the sensor's axes,
    # whichever way round it sits). A candidate whose "up" lies further from it than this (cos of
    # the angle; None: no such rule) was made in another posture: held before the run, it is not
    # a step of the walk (sitting, getting up); inside the bout, it ends the bout (sitting down).
    # Unlike upright_axis it needs no known mounting, so it also holds for runs out of posture.
    min_walk_posture: float | None = None
    # A held candidate softer than min_amplitude is released only this near the walking posture
    # (cos; None: no such rule). A soft first step is gait starting from standing, the thigh
    # already in its walking posture; a soft one while the thigh still turns is getting up.
    soft_walk_posture: float | None = None
    # What "softer" means there (m/s^2; None: min_amplitude): a heel strike's jolt, where the
    # run's own jolt threshold is set for another reason (the wrist: the typical step's).
    soft_jolt: float | None = None
    # Every measured candidate of a confirming run lies within this (cos; None: no such rule)
    # of the run's mean "up": a sensor carried on the body keeps its posture while walking
    # (the swing averages out of the 1 s gravity mean), while one turned in the hand (a phone
    # taken out to the ear, put back) does not. Orientation-free, like min_walk_posture.
    run_posture: float | None = None
    end_s: float = BOUT_END_S  # s without a candidate ends a confirmed bout
    # Learn which way round upright_axis hangs for this wearer (0: never, |axis| as above): once
    # this many walks in a row were confirmed with it on the same side of horizontal, a posture
    # with the axis the other way is not walking posture (a watch: the hand above the elbow).
    learn_sign: int = 0
    # Inside a bout confirmed in walking posture whose candidates come once per stride (their
    # median interval twice a walking step), once it reaches its stride_fill-th candidate
    # (counted from its confirming run, the first candidates checked for rhythm; 0: never), the
    # step between two candidates is restored half-way, without features, in every interval
    # since the confirming run and from then on: it counts inside the walk, never confirms
    # one, and changes no decision of the gate (_stride_fill).
    stride_fill: int = 0
    # Inside a bout confirmed in walking posture, an interval as long as the stride of the
    # sensor's own swing (StepFeatures.swing_s of the candidate ending it, within STRIDE_TOL) and
    # in the stride range is a stride with its other leg's step missed: that step is restored
    # half-way, from the confirming run's intervals on (_swing_step, swing_stride). A thigh or a
    # hanging arm swings once a stride, so the swing tells strides from steps wherever the
    # detector follows the walk only now and then.
    swing_fill: bool = False


# A heel strike jolts the trunk upwards by well over 0.1 g (1 m/s^2) at any walking speed
# (walking steps' peaks: 10th percentile 1.1-2.2 m/s^2 at waist, chest, thigh and wrist in
# daily-living); sitting, standing and lying candidates are mostly below it.
_JOLT = 1.0
# The shortest step a stride-locked bout's candidate interval is split into (stride_fill): 150
# steps/min, brisk walking's upper end. Stride-locked wrist walks have one candidate per 0.9-1.3 s
# (WISDM, where the spectrum says 89-127 steps/min); a faster bout's candidates are its steps.
MIN_FILLED_STEP_S = 0.4
# The shortest interval taken for a stride (the stride fill's, the swing's, the stride comb's).
MIN_STRIDE_S = 2 * MIN_FILLED_STEP_S
# Restoring a step claims twice the steps the detector felt, so it waits for more persistence
# than confirming a walk does: 12 candidates in a row, about 12 s of steady walking. Gesture and
# fidget runs that pass the gate at rest keep a rhythm for a few candidates; WISDM's walking
# blocks keep theirs for minutes (daily-living, leave-one-data-set-out grid points: restoring
# from the 6th candidate of the confirming run on added false steps to held-out WISDM, 29 ->
# 30/h, and UMAFall, 17 -> 153/h where the grid then chose another point; from the 12th on
# none; docs/walking_gate.md).
STRIDE_FILL = 12
# How near an interval must be to a stride to be one, as a share of the stride: the stride
# comb's tolerance (CombParams.track), used by swing_stride with the swing's stride.
STRIDE_TOL = 0.2
# How far a walking thigh's 1 s gravity mean strays from the walk's own (cos 20 degrees): the
# thigh's swing averages out of it (pocket walking: 99th percentile 14-20 degrees).
_WALK_SPREAD = math.cos(math.radians(20))
# A level thigh (sitting, lying on a bed): the pocket's lengthwise y axis within 20 degrees of
# horizontal, so |cos| of its angle to "up" below sin 20 degrees. Walking, spsw's pocket phones
# lie at most about 62 degrees off that axis (99th percentile), 28 degrees above horizontal, so
# 20 degrees leaves a margin. Unrelated to _WALK_SPREAD, though the angle is the same.
_LEVEL_THIGH = math.sin(math.radians(20))
# A candidate further than this from a walk's own posture (cos 45 degrees) was made in another
# posture: sitting down or getting up turns a thigh by 55-90 degrees; putting a phone away or
# taking it out often turns it by 60 or more (see the thigh's and the trunk's entries below).
_OTHER_POSTURE = math.cos(math.radians(45))
_STRIDES = GateParams(
    confirm_steps=3,
    min_interval=0.0,
    max_interval=MAX_STRIDE_TIME_S,
    spread=math.inf,
    bout_factor=math.inf,
)
# Waist and chest: the same physics (the trunk carries the sensor; see GATE_PARAMS).
_TRUNK = GateParams(
    confirm_steps=4,
    min_amplitude=_JOLT,
    soft_between=True,
    run_posture=_WALK_SPREAD,
    min_walk_posture=_OTHER_POSTURE,
)
GATE_PARAMS: dict[Placement, GateParams] = {
    # A foot/shank step is a verified swing between two stances of a minimum stride length
    # (foot.py): its mechanics are checked already. What one stride alone cannot show is
    # persistence: fidgeting or a single step to the side makes one. Three steps are two
    # strides (each yields two steps); their intervals are a stride's parts, irregular at the
    # edges of a walk, so no rhythm is asked beyond the stride's own time limit.
    Placement.FOOT: _STRIDES,
    Placement.SHANK: _STRIDES,
    # A sensor carried on the trunk (belt, waist or hip pocket, purse, chest strap or pouch) keeps
    # its posture while walking, as the thigh's does: the sway averages out of the 1 s gravity
    # mean (Oxford trunk walks: 99 % of steps within 25 degrees of their bout's confirming run on
    # 13 of 16, the purses looser). Putting a phone into a pocket, purse or pouch or taking
    # it out often turns it by 60 degrees or more while both feet stand, in a rhythm the gate
    # otherwise confirms with the walk next to it; bending or sitting turns it too. So, with the
    # thigh's limit: a held candidate more than 45 degrees from the confirming run's posture is
    # not a step of the walk, and one inside the bout ends it (the next run confirms afresh, so a
    # sensor that settles into a new posture while walking costs nothing). The walk's posture is
    # its confirming run's mean, so that run must hold its posture as the thigh's does (every
    # candidate within 20 degrees of the mean, run_posture): handling in step rhythm just before
    # the walk (turned 70 degrees) would otherwise tilt the mean by 35 and count with it. A run
    # that fails is not a walk yet; the next candidate tries the latest run again, and once one
    # holds its posture, the turned ones held before it are dropped. docs/oxford_steps.md.
    # A sensor at the waist may be in a hip (trouser) pocket, where it swings with the thigh: the
    # detector reports a swing there only where the sensor turns as a thigh does
    # (TrunkParams.swing_turn_deg), and the thigh's swing fill restores the steps it hides.
    Placement.WAIST: replace(_TRUNK, swing_fill=True),
    Placement.CHEST: _TRUNK,
    # A sensor in a trouser pocket moves with the thigh, but how it sits there varies: front
    # pockets are cut on the slant (walking, spsw's phones lie 0-60 degrees off their y axis,
    # 99th percentile 62), so a walk is told by how the posture behaves, in the sensor's own
    # axes. The swing (about 40 degrees peak to peak) averages out of the 1 s gravity mean,
    # which stays within about 20 degrees of the walk's direction (pocket walking candidates:
    # 99th percentile 14-20 degrees; confirming runs 9-15): a confirming run must hold its
    # posture that well (a phone turned in the hand to the ear and back does not: median 47
    # degrees), and a candidate more than 45 degrees from the walk's posture is another
    # posture: sitting down or getting up turns the thigh by 55-90 degrees (spsw: seated vs
    # walking 55-77 degrees). The one fixed-axis rule left is a level y axis (within 20
    # degrees of horizontal): with the phone lengthwise that is a level thigh, sitting or
    # lying on a bed; a phone lying right across an upright thigh looks the same, so such a
    # run needs twice the steps rather than being refused.
    Placement.THIGH: GateParams(
        confirm_steps=4,
        min_amplitude=_JOLT,
        soft_between=True,
        upright_axis=1,
        min_upright=_LEVEL_THIGH,
        unposed_steps=8,
        stride_rhythm=True,
        run_posture=_WALK_SPREAD,
        min_walk_posture=_OTHER_POSTURE,
        # The soft first steps of walks started standing lie within 11 degrees of the walk's
        # posture; a soft candidate while the thigh still turns is getting up.
        soft_walk_posture=_WALK_SPREAD,
        # The thigh swings forward on its own leg's step and back on the other's, and the two
        # heel strikes reach a pocket unlike: the detector can miss the other leg's steps, now
        # and then or for minutes (Oxford validation pockets, two people outside
        # ../shared/data). The swing itself, measured on the signal, tells which intervals are
        # strides (docs/walking_gate.md, "The thigh's swing"); it replaced the wrist's stride
        # fill here and a rule on the intervals alone, which could not tell a stride among
        # steps from an unlike leg's long step.
        swing_fill=True,
    ),
    # A hanging, swinging arm holds the forearm (a watch's x axis) within 45 degrees of
    # vertical; gestures, eating, typing and phone calls mostly hold it in front. Walking with
    # the hand in front (a phone being read, a cup) exists, so it is not refused, only needs a
    # longer regular run. A walk confirmed with the arm hanging ends when the forearm comes up
    # (sitting down, reaching for something); candidates held before it with the forearm up
    # (on the lap or an armrest while getting up from a chair) until it first came down are
    # not its steps. A run mixing postures is not made to wait for the walking posture: a
    # swinging forearm passes 45 degrees now and then.
    Placement.WRIST: GateParams(
        confirm_steps=6,
        min_amplitude=_JOLT,
        upright_axis=0,
        min_upright=math.cos(math.radians(45)),
        unposed_steps=10,
        jolt_every_step=False,
        posture_ends_bout=True,
        posture_starts_walk=True,
        measured_run=True,
        # Alternating intervals of a hanging arm (spsw's timed-up-and-go walkers: 0.40 0.64 0.44
        # 0.66 s ...) are steps; docs/walking_gate.md, "Wrist: each side's rhythm".
        side_rhythm=True,
        # A short walk's turn or a step round a chair breaks the rhythm of its few steps (spsw's
        # timed-up-and-go: 3 m, a turn, 3 m back); docs/walking_gate.md, "Wrist: a slow step
        # inside a short walk". A 180-degree turn takes two slow steps. The trunk's 4-run takes
        # its walks without it.
        slow_steps=2,
        stride_fill=STRIDE_FILL,
        # A hanging arm swings once a stride, as a thigh does; where the swing is measured, an
        # interval as long as its stride gets its step from the confirming run on, before the
        # stride fill's persistence (docs/walking_gate.md, "Wrist: the arm's swing").
        swing_fill=True,
        same_posture=math.cos(math.radians(30)),
        # A hanging hand is below the elbow. Which sign of x that is depends on the wrist and on
        # how the watch is worn (daily-living walking: spsw 23 of 23 subjects -x, UMAFall 6 -x
        # and 4 +x, WISDM 7 -x and 40 +x), so it is learned from the wearer's own walks; three
        # walks agreeing, so that one gesture run taken for a walk cannot set or flip it.
        learn_sign=3,
        # A soft held candidate (below a heel strike's jolt, 1 m/s^2, whatever the run's own
        # typical-jolt threshold) is the walk's first step only if the forearm
        # already hangs as it does in the walk (the thigh's rule and angle: a walking limb's 1 s
        # gravity mean stays within 20 degrees of the walk's own). Getting up from a chair jolts
        # the wrist softly (spsw: 0.6-0.8 m/s^2) while the forearm still comes off the lap or
        # armrest, 45-60 degrees from vertical, which a looser walk posture would let through.
        soft_walk_posture=_WALK_SPREAD,
        soft_jolt=_JOLT,
        # The bout factor stays at its default 2.5: a tighter 1.8 (an interval off by more than
        # 1.8 times ends the walk) removed no false step on any daily-living data set once the
        # posture rules above were in, and cut 1.5 % more of WISDM's wrist walking steps.
    ),
}


# The oldest a late step can be when the gate returns it, against the candidate it comes with:
# stride_fill stride-long intervals back (the first restored step is one interval into the
# confirming run). A bout's intervals can be longer than a stride (up to end_s, or across missing
# data), so the gate enforces it: a step it would restore further back stays unrestored.
# The gate marks the steps it returns late (StepEvent.late): consumers need not guess from times.
MAX_LATE_S = max(p.stride_fill * p.max_interval for p in GATE_PARAMS.values())


def swing_stride(dt: float, step: StepEvent, max_interval: float) -> bool:
    """Whether the interval `dt` before `step` is a stride of the swing measured at it.

    In the stride range (MIN_STRIDE_S to `max_interval`) and within STRIDE_TOL of the
    swing's period (StepFeatures.swing_s; never where none was measured).
    """
    swing = step.features.swing_s if step.features is not None else None
    if swing is None or not (at_most(MIN_STRIDE_S, dt) and dt <= max_interval):
        return False
    return at_most(abs(dt - swing), STRIDE_TOL * swing)


def upright_cos(along: float, sign: int) -> float:
    """The cosine of an axis's angle from vertical as the posture rule takes it.

    `along`: the axis's component of the unit "up". On the learned hanging side (`sign` +1 or
    -1); either end down before one is learned (0).
    """
    return sign * along if sign else abs(along)


class WalkingGate:
    """Holds candidate steps until they form a walking bout; streams them after that."""

    def __init__(self, placement: Placement, params: GateParams | None = None) -> None:
        self.p = params or GATE_PARAMS[Placement(placement)]
        # Candidates held at most: two confirming runs, the newest one aside (see _add).
        self._keep = 2 * max(self.p.confirm_steps, self.p.unposed_steps or 0) - 1
        self._held: list[StepEvent] = []
        self._confirmed = False
        self._last = -math.inf  # time of the latest candidate seen
        self._gaps: list[float] = []  # the confirmed bout's latest step intervals
        self._posed = False  # the bout was confirmed in walking posture
        self._walk_up: FloatArray | None = None  # the bout's walking posture (unit "up")
        self._gap_s = 0.0  # data missing since the latest candidate
        self._bout_n = 0  # candidates of the confirmed bout so far (stride_fill)
        # The bout's intervals (length, the candidate ending it) since its confirming run, while
        # it has not kept its rhythm for stride_fill candidates yet (see _stride_fill).
        self._unfilled: list[tuple[float, StepEvent]] = []
        self._bridged: set[float] = set()  # times of held candidates just after missing data
        # The sign of upright_axis's "up" on the latest confirmed walks (learn_sign), and the
        # sign learned from them (0: not yet; the posture rule then uses |up|). Both are the
        # wearer's, not the stream's: kept across pauses, gaps, close() and in state().
        self._votes: list[int] = []
        self._sign = 0

    @property
    def walking(self) -> bool:
        """True while a confirmed bout is open."""
        return self._confirmed

    @property
    def posed(self) -> bool:
        """Whether the latest bout was confirmed in walking posture (False before any bout).

        Not posed: confirmed through the longer unposed_steps run (the wrist's hand in front).
        """
        return self._posed

    @property
    def held(self) -> tuple[StepEvent, ...]:
        """The candidates held back, not (yet) steps of a walk."""
        return tuple(self._held)

    def add(self, steps: list[StepEvent]) -> list[StepEvent]:
        """Feed candidates (time order); return the steps that now count."""
        out: list[StepEvent] = []
        for step in steps:
            out += self._add(step)
        return out

    def advance(self, now: float | None) -> None:
        """Sample time moved on to `now`: a pause long enough ends the bout.

        Detectors report a step up to REPORT_LAG_S after it happened, so silence is only a pause
        once that much more time has passed (the next candidate itself is judged in add()).
        """
        if now is not None and interval(self._last, now) > self.p.end_s + REPORT_LAG_S:
            self._confirmed = False
            self._held = []

    def gap(self, seconds: float) -> None:
        """The data stopped for this long: the next candidate's interval spans the hole.

        An interval across missing data says nothing about rhythm; the walk may have gone on.
        """
        self._gap_s += max(0.0, seconds)

    def close(self) -> None:
        """The stream ended: end the bout; held candidates never became walking."""
        self._confirmed = False
        self._held = []
        self._last = -math.inf
        self._gap_s = 0.0

    @property
    def hanging_sign(self) -> int:
        """The learned sign of upright_axis's "up" while walking (+1, -1; 0: not learned)."""
        return self._sign

    def forget(self) -> None:
        """Forget the learned hanging side and the walks voting for one (the sensor was moved)."""
        self._votes = []
        self._sign = 0

    def state(self) -> dict[str, Any]:
        """JSON-safe learned state (the wearer's, kept across streams and restarts)."""
        return {"sign": self._sign, "votes": list(self._votes)}

    def load_state(self, state: dict[str, Any]) -> None:
        """Restore :meth:`state`; raises ValueError (keeping the current state) if malformed."""
        sign, votes = state.get("sign", 0), state.get("votes", [])
        if sign not in (-1, 0, 1) or not isinstance(votes, list):
            raise ValueError(f"bad walking gate state: {state!r}")
        if not all(v in (-1, 1) for v in votes):
            raise ValueError(f"bad walking gate state: {state!r}")
        if sign and not self.p.learn_sign:  # a side where nothing learns one: not this gate's
            raise ValueError(f"walking gate state from another placement: {state!r}")
        self._sign = int(sign)
        self._votes = [int(v) for v in votes][-self.p.learn_sign :] if self.p.learn_sign else []

    def _vote(self, mean: FloatArray | None) -> None:
        """A walk was confirmed with this mean posture: which way round upright_axis hung in it."""
        axis, need = self.p.upright_axis, self.p.learn_sign
        if not need or axis is None or mean is None or abs(float(mean[axis])) < self.p.min_upright:
            return
        self._votes = [*self._votes, 1 if mean[axis] > 0 else -1][-need:]
        if len(self._votes) == need and len(set(self._votes)) == 1:
            # Several walks agree: the wearer's hanging side (again, or the watch moved to the
            # other wrist or was turned round).
            self._sign = self._votes[0]

    def _pause(self) -> float:
        return self.p.end_s if self._confirmed else self.p.max_interval

    def _add(self, step: StepEvent) -> list[StepEvent]:
        dt = interval(self._last, step.t)
        hole, self._gap_s = self._gap_s, 0.0
        if dt > self._pause() + hole or dt < 0:
            # A pause (or a new clock): whatever was running is over.
            self._confirmed = False
            self._held = []
        # In time order, or a new clock after a restart: either way this is now the latest.
        self._last = step.t
        if self._confirmed:
            if hole and self._still_posed(step):
                self._bout_n += 1
                return [*self._stride_fill(step, None), step]
            if not hole and self._continues(step, dt):
                self._gaps = [*self._gaps[-5:], dt]
                self._bout_n += 1
                # An interval the swing fills is not the stride fill's too (one step missed).
                swung = self._swing_step(dt, step)
                return [*self._stride_fill(step, None if swung else dt), *swung, step]
            # Out of rhythm or out of posture: the walk ended (sitting down, reaching out);
            # this candidate may start the next one.
            self._confirmed = False
            self._held = []
        # Candidates older than two confirming runs are not the start of the walk a later run
        # confirms: a walk's first steps settle into its rhythm within a step or two.
        self._held = [*self._held[-self._keep :], step]
        if hole:
            self._bridged.add(step.t)
        self._bridged.intersection_update(s.t for s in self._held)
        if self.p.unposed_steps is None and not self._posture_ok(step):
            # A candidate that cannot be a walking step breaks the run it would belong to.
            self._held = []
            return []
        need = self.p.confirm_steps
        run = self._run(need)
        posed = self._all_posed(run)
        if not posed:
            need = self.p.unposed_steps or need
            run = self._run(need)
        if len(run) < need:
            return []
        slow = not self._rhythm_ok(run, sides=posed)
        if slow:
            # Slow steps (a turn) inside a longer run: every rule after this one judges that run.
            run = self._around_slow_steps(need, posed)
            if not run:
                return []
        if not self._jolt_ok(run):
            # One soft step among firm ones: the run is one candidate longer, and every rule
            # after this one judges that longer run. Not on top of a slow step: one exception
            # a run.
            run = [] if slow else self._soft_between(need, posed)
            if not run:
                return []
        # The run's mean posture, once, for whichever rules use it (every placement but the feet).
        keeps = self._keeps_posture(posed)
        wanted = keeps or self.p.run_posture is not None or self.p.learn_sign
        mean = self._mean_up(run) if wanted else None
        if not self._coherent(run, mean):
            return []
        self._vote(mean)
        released = self._held
        self._held = []
        self._walk_up = mean if keeps else None
        if posed and self.p.posture_starts_walk:
            # The walk starts where the posture it confirmed in does: candidates before that
            # (getting up with the forearm on the lap) are not its steps.
            released = list(itertools.dropwhile(lambda s: not self._in_walk_posture(s), released))
        # Held candidates made in another posture than the walk's are not its steps.
        released = [s for s in released if self._near_walk(s, self.p.min_walk_posture)]
        soft = self.p.soft_walk_posture
        if soft is not None:
            judged = {id(s) for s in run}
            released = [
                s for s in released if id(s) in judged or self._firm(s) or self._near_walk(s, soft)
            ]
        self._confirmed = True
        self._posed = posed
        released, filled = self._with_swing_steps(released, run)
        self._gaps = self._intervals(run) or [self.p.max_interval / 2]
        # The bout's persistence counts from its confirming run: only the run was checked for
        # rhythm, and the held candidates before it may be a fidget's (14 irregular ones, then 6
        # in rhythm, are a rhythm of 6, not 20). So the run's own intervals may be filled once
        # the bout has kept that rhythm long enough (_stride_fill), those before it never.
        self._bout_n = len(run)
        self._unfilled = (
            [(d, b) for d, b in self._run_intervals(run, released) if id(b) not in filled]
            if self.p.stride_fill
            else []
        )
        self._bridged.clear()
        return released

    def _run_intervals(
        self, run: list[StepEvent], released: list[StepEvent]
    ) -> list[tuple[float, StepEvent]]:
        """The confirming run's intervals between released candidates, not across missing data."""
        kept = {id(s) for s in released}
        return [
            (interval(a.t, b.t), b)
            for a, b in itertools.pairwise(run)
            if id(a) in kept and id(b) in kept and b.t not in self._bridged
        ]

    def _stride_fill(self, step: StepEvent, dt: float | None) -> list[StepEvent]:
        """The steps missed half-way between candidates of a stride-locked bout, up to `step`.

        At the wrist the detector can lock onto the stride: the hanging arm swings forward on one
        step and back on the next, and the softer step's peak rides on the flank of the stronger
        one, so one candidate comes per stride. A bout confirmed with the arm hanging whose
        candidates come MIN_STRIDE_S to max_interval apart (its median interval, and the interval
        before a candidate: 0.8-1.3 s) is taken to count strides once it has kept that rhythm for
        stride_fill candidates, counted from its confirming run. Then the step before each candidate
        is restored: from that candidate on as each arrives, and at that candidate also, late, in
        every such interval since the confirming run (the same walk, in the rhythm the run was
        checked for; a walk of 13 s or more is counted whole, not only from its 13th second), none
        more than MAX_LATE_S before that candidate. If the bout is not stride-locked at that
        candidate, its earlier intervals are never filled. `dt` is None for an interval across
        missing data and for one the swing filled (_swing_step), neither filled here. That assumes a
        hanging-arm walk never takes steps that far apart (75 steps/min or slower), which the gate's
        own rhythm test allows down to max_interval (46 steps/min): such a slow walk, if the
        detector follows it step by step, is counted double, from its confirming run on, once it has
        kept its rhythm for stride_fill candidates. No wrist walk in the data is that slow
        (docs/walking_gate.md). A hand held in front does not swing: its slow walking's candidates
        are its steps (Oxford's in-hand phones). Only inside a confirmed bout, and only as output:
        the bout's rhythm, its end and whether it exists are the candidates' alone, so no walk is
        confirmed or prolonged by a restored step and at rest nothing changes but the steps of bouts
        the gate already confirmed. The late steps are the only ones the gate returns out of time
        order (older than steps already returned), and marked so (StepEvent.late).
        """
        if not (self.p.stride_fill and self._posed):
            return []
        if dt is not None:
            self._unfilled.append((dt, step))
        if self._bout_n < self.p.stride_fill:
            return []
        intervals, self._unfilled = self._unfilled, []
        lo, hi = MIN_STRIDE_S, self.p.max_interval
        if not lo <= statistics.median(self._gaps) <= hi:
            return []
        # Only what a missed step shares with its neighbour: a stride length or speed belongs to
        # the stride the neighbour ends (one per stride), and the sensor's foot landed once. A
        # step restored before a candidate returned already is late (StepEvent.late); the one
        # before `step` is not: it comes just before it, after every step returned so far.
        return [
            StepEvent(
                t=s.t - d / 2, direction=s.direction, confidence=s.confidence, late=s is not step
            )
            for d, s in intervals
            if at_most(lo, d) and d <= hi and interval(s.t - d / 2, step.t) <= MAX_LATE_S
        ]

    def _with_swing_steps(
        self, released: list[StepEvent], run: list[StepEvent]
    ) -> tuple[list[StepEvent], set[int]]:
        """The released candidates with the steps missed in the confirming run's strides.

        Only the run's intervals (the held candidates before it were not checked for rhythm: a
        fidget's, maybe), between two of its candidates both released (a run's first candidates
        may be dropped: the walk starts in its posture), not across missing data. Also which
        candidates (ids) had the interval before them filled: the stride fill's are the others.
        """
        if not self.p.swing_fill:
            return released, set()
        kept = {id(s) for s in released}
        fills: dict[int, StepEvent] = {}
        for a, b in itertools.pairwise(run):
            if id(a) in kept and b.t not in self._bridged:
                fills.update((id(b), s) for s in self._swing_step(interval(a.t, b.t), b))
        # A fill goes out just before its interval's end, so only where that end is released.
        out = [x for s in released for x in ((fills[id(s)], s) if id(s) in fills else (s,))]
        return out, set(fills)

    def _swing_step(self, dt: float, step: StepEvent) -> list[StepEvent]:
        """The step missed in the interval `dt` before `step` if it is the swing's stride.

        A sensor in a trouser pocket swings with the thigh once a stride, and its two legs' heel
        strikes reach it unlike, so the detector can miss the other leg's step now and then or for
        minutes (docs/walking_gate.md, "The thigh's swing"); a hanging arm swings once a stride too
        ("Wrist: the arm's swing"; there the stride fill takes the other intervals). An interval
        that is a stride of the swing measured around `step` (swing_stride) gets its step half-way.
        Only in a bout confirmed in walking posture (a level pocket may be a phone lying across the
        thigh, whose turns are no swing) and only as output, like _stride_fill; the callers never
        pass an interval across missing data.
        """
        if not (self.p.swing_fill and self._posed and swing_stride(dt, step, self.p.max_interval)):
            return []
        return [StepEvent(t=step.t - dt / 2, direction=step.direction, confidence=step.confidence)]

    def _keeps_posture(self, posed: bool) -> bool:
        """Whether the bout remembers its walking posture.

        Always for the rules on every walk (min_walk_posture, soft_walk_posture); for
        same_posture (the wrist) only when the bout was confirmed with the arm hanging.
        """
        if self.p.min_walk_posture is not None or self.p.soft_walk_posture is not None:
            return True
        return posed and self.p.same_posture > -1.0

    @staticmethod
    def _mean_up(run: list[StepEvent]) -> FloatArray | None:
        """The unit mean posture of a run's measured candidates.

        None if none is measured or their "up"s cancel out (no body holds that: a broken sensor),
        so that nothing is refused against a direction that does not exist.
        """
        ups = [s.features.up for s in run if s.features is not None]
        if not ups:
            return None
        mean = np.mean(np.asarray(ups, dtype=np.float64), axis=0)
        norm = float(np.linalg.norm(mean))
        return np.asarray(mean / norm, dtype=np.float64) if norm > 1e-9 else None

    def _coherent(self, run: list[StepEvent], mean: FloatArray | None) -> bool:
        """The run's measured candidates all lie near their `mean` posture (run_posture)."""
        limit = self.p.run_posture
        if limit is None or mean is None:
            return True
        ups = np.asarray([s.features.up for s in run if s.features is not None], dtype=np.float64)
        return bool(np.all(ups @ mean >= limit))

    def _in_walk_posture(self, step: StepEvent) -> bool:
        """In walking posture and, where asked, near the posture the walk confirmed in."""
        return self._posture_ok(step) and self._near_walk(step, self.p.same_posture)

    def _near_walk(self, step: StepEvent, limit: float | None) -> bool:
        """The candidate's "up" is within `limit` (cos of the angle; None: any) of the bout's.

        Compared as vectors in the sensor's axes, so it holds whichever way round the sensor sits.
        """
        if self._walk_up is None or limit is None or step.features is None:
            return True
        return float(np.dot(step.features.up, self._walk_up)) >= limit

    def _run(self, need: int) -> list[StepEvent]:
        """The latest held candidates holding `need` measured ones (all, if none is measured)."""
        if not self.p.measured_run:
            return self._held[-need:]
        n = 0
        for k in range(len(self._held) - 1, -1, -1):
            n += self._held[k].features is not None
            if n == need:
                return self._held[k:]
        return self._held[-need:] if n == 0 else []

    def _continues(self, step: StepEvent, dt: float) -> bool:
        """Whether a candidate inside a confirmed bout belongs to it."""
        med = statistics.median(self._gaps)
        if not (at_most(med / self.p.bout_factor, dt) and at_most(dt, self.p.bout_factor * med)):
            return False
        return self._still_posed(step)

    def _still_posed(self, step: StepEvent) -> bool:
        """A walk confirmed in walking posture ends where the posture does (sitting down)."""
        if not self._near_walk(step, self.p.min_walk_posture):
            return False
        return not (self.p.posture_ends_bout and self._posed) or self._in_walk_posture(step)

    def _jolt_ok(self, run: list[StepEvent]) -> bool:
        """The run's steps are heel strikes' jolts: every one, or the typical one."""
        heights = [s.features.amplitude for s in run if s.features is not None]
        if not heights:
            return True
        typical = min(heights) if self.p.jolt_every_step else statistics.median(heights)
        return typical >= self.p.min_amplitude

    def _soft_between(self, need: int, posed: bool) -> list[StepEvent]:
        """The latest need + 1 held candidates if they are a walk with one soft step inside it.

        A walker's heel strikes reach min_amplitude, but single steps of a slow or cautious
        walker, or around a turn, land softer: the foot is placed rather than struck (Mobilise-D
        lab walks: 0.6-0.85 m/s^2 among steps of 1.5-3). Such a step in the walk's rhythm between
        firm ones is that walk's step; it proves nothing itself, so the run takes one more
        candidate and still holds `need` firm ones, every one measured, in rhythm together and,
        for a run confirmed in walking posture (`posed`), all in it. The newest must be firm: a
        soft jolt after a few firm candidates may be made at rest once a walk stopped (the
        wearer settling); the next candidate decides. (The oldest is firm anyway: were it soft,
        the `need` firm ones after it would have passed the jolt rule; a walk's soft first step
        is released with the run that confirms it, as without this rule.) [] if not.
        """
        if not (self.p.soft_between and self.p.jolt_every_step):
            return []
        run = self._held[-(need + 1) :]
        if len(run) <= need or any(s.features is None for s in run):
            return []
        if posed and not self._all_posed(run):
            return []
        soft = [k for k, s in enumerate(run) if not self._firm(s)]
        return run if len(soft) == 1 and soft[0] < need and self._rhythm_ok(run) else []

    def _around_slow_steps(self, need: int, posed: bool) -> list[StepEvent]:
        """The latest need + 2k measured candidates if in rhythm but for k slow steps; [] if not.

        k goes from 1 to slow_steps, the shortest such run first. A short walk's rhythm breaks where
        the walker turns, steps round a chair or through a door: those steps take longer (spsw's 3 m
        timed-up-and-go legs: about 1.0 s among 0.55-0.65 s steps; a half turn may take two), and
        the rhythm holds on either side of them. So the run leaves out its k longest intervals and
        the rest must keep the rhythm (the plain spread test: the sides' test needs every interval
        in order). Each interval left out lies between two of the run's candidates: at the run's
        start a long interval is the wait before a walk (standing up), at its end the walk's end or
        a pause, neither a step of the walk. Each must be a step's (a longer one has already emptied
        the held candidates as a pause; the bound is kept for the rule's own sake). Each slow step
        left out is made up for: the rest of the run holds k more intervals in rhythm than a plain
        run of `need`. For a run in walking posture (`posed`) every candidate must be in it. The run
        must fit in the held candidates: out of posture at the wrist, 12 or 14 measured ones with
        steps the detector restored between most of them do not, and wait for a plain run.
        """
        for k in range(1, self.p.slow_steps + 1):
            run = self._run(need + 2 * k)
            if len(run) < need + 2 * k or (posed and not self._all_posed(run)):
                continue
            steps = self._intervals(run)
            # k slow ones inside the run need k + 2 intervals; fewer (or none: every interval
            # spans missing data) say nothing.
            if len(steps) < k + 2 or not self._steps_long(steps):
                continue
            # The k longest; of equal ones the earlier (nlargest keeps their order), as the
            # rule's first form did. Candidate times lie on the detector's grid, so they happen.
            left_out = heapq.nlargest(k, range(len(steps)), key=steps.__getitem__)
            inside = all(0 < j < len(steps) - 1 for j in left_out)
            if inside and self._regular([d for j, d in enumerate(steps) if j not in left_out]):
                return run
        return []

    def _firm(self, step: StepEvent) -> bool:
        """A held candidate's jolt is a heel strike's (soft_jolt, else the run's threshold)."""
        jolt = self.p.min_amplitude if self.p.soft_jolt is None else self.p.soft_jolt
        return step.features is None or step.features.amplitude >= jolt

    def _all_posed(self, run: list[StepEvent]) -> bool:
        """Every candidate of the run is in walking posture."""
        return all(self._posture_ok(s) for s in run)

    def _steps_long(self, steps: list[float]) -> bool:
        """Every interval is a walking step's (min_interval to max_interval)."""
        return not (min(steps) < self.p.min_interval or max(steps) > self.p.max_interval)

    def _posture_ok(self, step: StepEvent) -> bool:
        axis = self.p.upright_axis
        if axis is None or step.features is None:
            return True
        up = float(step.features.up[axis])
        return upright_cos(up, self._sign) >= self.p.min_upright

    def _intervals(self, run: list[StepEvent]) -> list[float]:
        """Intervals between consecutive candidates, except those across missing data."""
        return [interval(a.t, b.t) for a, b in itertools.pairwise(run) if b.t not in self._bridged]

    def _rhythm_ok(self, run: list[StepEvent], *, sides: bool = False) -> bool:
        """The run keeps a walking rhythm (and, with `sides`, side_rhythm may pass it).

        `sides`: the run is in walking posture. A hand held in front does not swing, so its
        alternating intervals are no walk's.
        """
        steps = self._intervals(run)
        if not steps:
            return False
        if not self._steps_long(steps):
            return False
        gaps = steps
        if self.p.stride_rhythm:
            gaps = [a + b for a, b in itertools.pairwise(steps)] or steps
        if self._regular(gaps):
            return True
        # Sides are told apart by the intervals' order: at least two a side. (An interval across
        # missing data is left out; inside the run that mixes the sides, which then fail.) The
        # peak's shift is systematic, so every interval of one side is shorter than every one of
        # the other; sides that overlap are an irregular run, not an alternating one.
        if not (sides and self.p.side_rhythm) or len(steps) < 4:
            return False
        odd, even = steps[0::2], steps[1::2]
        apart = max(odd) < min(even) or max(even) < min(odd)
        return apart and self._regular(odd) and self._regular(even)

    def _regular(self, gaps: list[float]) -> bool:
        """The intervals' spread, (max - min) / median, is within the gate's."""
        return at_most(max(gaps) - min(gaps), self.p.spread * statistics.median(gaps))


class OpenGate(WalkingGate):
    """Lets every candidate through: what the detector alone reports (for benchmarks)."""

    def add(self, steps: list[StepEvent]) -> list[StepEvent]:
        """Every candidate counts."""
        return list(steps)
