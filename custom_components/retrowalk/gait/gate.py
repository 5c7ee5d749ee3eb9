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
from its first step; after that, steps pass through as soon as the detector reports them. A pause
of end_s without a candidate, a candidate out of the bout's rhythm or (where the bout was confirmed
in posture) out of posture ends the bout; unconfirmed candidates are discarded. Missing data is not
a pause. At the wrist, a walk the detector lost for a moment goes on with a shorter run in its own
posture and rhythm (resume_steps): one that a pause or a long interval ended (not its posture)
resumes, and a run a pause dropped before it was confirmed starts the walk the candidates after the
pause make with it. At the wrist, a long walk whose candidates come once per stride (the arm's
swing can hide every other step from the detector) gets the step between them restored, without
changing which bouts exist; the steps it restores in the walk's first 12 candidates come late,
together, the only steps the gate returns out of time order (marked StepEvent.late). At the thigh
and the wrist, an interval as long as the stride of the limb's own swing gets its missed step as it
comes (at the wrist, those are not the stride fill's to restore late). What each placement asks
(GateParams, GATE_PARAMS) and why: gate_params.py. Design, reasons and figures:
docs/walking_gate.md.
"""

from __future__ import annotations

import heapq
import itertools
import math
import statistics
from typing import Any

import numpy as np

from .gate_params import (
    GATE_PARAMS,
    MAX_LATE_S,
    MIN_STRIDE_S,
    REPORT_LAG_S,
    GateParams,
    swing_stride,
    upright_cos,
)
from .types import FloatArray, Placement, StepEvent, StepFeatures, at_most, interval

# A confirmed bout's latest intervals its rhythm is judged on (_continues, _may_resume).
_GAPS_KEPT = 6


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
        # The confirmed bout's latest measured candidates' features (min_half_cycle's evidence,
        # _strides_whole), at most _phase_n of them: the longer confirming run's worth.
        self._recent: list[StepFeatures] = []
        self._phase_n = max(self.p.confirm_steps, self.p.unposed_steps or 0)
        # The sign of upright_axis's "up" on the latest confirmed walks (learn_sign), and the
        # sign learned from them (0: not yet; the posture rule then uses |up|). Both are the
        # wearer's, not the stream's: kept across pauses, gaps, close() and in state().
        self._votes: list[int] = []
        self._sign = 0
        # Until when a run may resume the walk that just ended, and that walk's latest intervals
        # (resume_steps; _may_resume). Its posture stays in _walk_up until the next walk.
        self._resume_until = -math.inf
        self._resume_gaps: list[float] = []
        # The candidates the latest pause dropped before they were confirmed (_pieced).
        self._dropped: list[StepEvent] = []

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
            self._may_resume()
            self._drop()

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
        self._resume_until = -math.inf
        self._dropped = []

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

    def _pause(self, dt: float, step: StepEvent) -> float:
        """How long an interval `dt` before `step` may be without breaking the run or bout."""
        if self._confirmed:
            return self.p.end_s
        # Before a walk is confirmed: max_interval, or longer where the sensor's swing says the
        # interval is a stride (a pocket the detector follows once a stride on a slow climb).
        return self.p.swing_stride_max if self._swing_long(dt, step) else self.p.max_interval

    def _swing_long(self, dt: float, step: StepEvent) -> bool:
        """The interval `dt` before `step` is a stride of the swing measured at `step`.

        Up to swing_stride_max: a slow walker's stride is as long as the swing's longest lag
        (max_swing_stride), and where the swing measured on the signal repeats at the interval the
        thigh swung once in it, as walking does; a bounce or a fidget at that pace does not swing.
        """
        return swing_stride(dt, step, self.p.swing_stride_max, self.p.min_swing_stride)

    def _add(self, step: StepEvent) -> list[StepEvent]:
        dt = interval(self._last, step.t)
        hole, self._gap_s = self._gap_s, 0.0
        if dt > self._pause(dt, step) + hole or dt < 0:
            # A pause (or a new clock): whatever was running is over.
            if dt >= 0:
                self._may_resume()
            self._drop()
            if dt < 0:  # a new clock: nothing before it resumes or pieces with what follows
                self._resume_until = -math.inf
                self._dropped = []
        # In time order, or a new clock after a restart: either way this is now the latest.
        self._last = step.t
        if self._confirmed:
            if hole and self._still_posed(step):
                self._bout_n += 1
                return [*self._stride_fill(step, None), step]
            if not hole and self._continues(step, dt):
                self._gaps = [*self._gaps[-(_GAPS_KEPT - 1) :], dt]
                self._bout_n += 1
                # An interval the swing fills is not the stride fill's too (one step missed).
                swung = self._swing_step(dt, step)
                return [*self._stride_fill(step, None if swung else dt), *swung, step]
            # Out of rhythm or out of posture: the walk ended (sitting down, reaching out);
            # this candidate may start the next one. A candidate late but still in the walk's
            # posture may be the detector's loss, not the walk's end.
            if dt > self.p.bout_factor * statistics.median(self._gaps) and self._still_posed(step):
                self._may_resume()
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
        # Too few for a new walk: maybe enough for one the detector lost for a moment.
        lost = len(run) < need
        lead: list[StepEvent] = []
        resumed = False
        if lost:
            run = self._resumes()
            resumed = bool(run)
            if not resumed:
                lead = self._pieced(need)
                run = [*lead, *self._held] if lead else []
            if not run:
                return []
            posed = True
        slow = not lost and not self._rhythm_ok(run, sides=posed)
        if slow:
            # Slow steps (a turn) inside a longer run: every rule after this one judges that run.
            run = self._around_slow_steps(need, posed)
            if not run:
                return []
        if not self._jolt_ok(run):
            # One soft step among firm ones: the run is one candidate longer, and every rule
            # after this one judges that longer run. Not on top of a slow step: one exception
            # a run.
            run = [] if slow or lost else self._soft_between(need, posed)
            if not run:
                return []
        if not (self._fore_aft(run) and self._swings(run)):
            return []
        if not (posed or (self._paced(run) and self._rides_bounce(run))):
            return []
        measured = self._phase_evidence(run)
        if not self._strides_whole(measured):
            return []
        # The run's mean posture, once, for whichever rules use it (every placement but the feet).
        keeps = self._keeps_posture(posed)
        wanted = keeps or self.p.run_posture is not None or self.p.learn_sign
        mean = self._mean_up(run) if wanted else None
        if not self._coherent(run, mean):
            return []
        # A resumed walk votes as a walk confirmed anew after the loss did before the rule: in
        # the walk's own posture, it can only agree with the walk's vote.
        self._vote(mean)
        if lead:
            # The interval across the loss is no step's: the walk's rhythm leaves it out.
            self._bridged.add(self._held[0].t)
        released = [*lead, *self._held]
        self._held = []
        if not resumed:  # a resumed walk keeps the posture it had before the loss
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
        # A resumed walk keeps its rhythm: its latest intervals before the loss count on.
        before = self._resume_gaps if resumed else []
        self._gaps = [*before, *self._intervals(run)][-_GAPS_KEPT:] or [self.p.max_interval / 2]
        # The bout's persistence counts from its confirming run: only the run was checked for
        # rhythm, and the held candidates before it may be a fidget's (14 irregular ones, then 6
        # in rhythm, are a rhythm of 6, not 20). So the run's own intervals may be filled once
        # the bout has kept that rhythm long enough (_stride_fill), those before it never.
        self._bout_n = len(run)
        self._recent = measured
        self._unfilled = (
            [(d, b) for d, b in self._run_intervals(run, released) if id(b) not in filled]
            if self.p.stride_fill
            else []
        )
        self._bridged.clear()
        self._resume_until = -math.inf
        self._dropped = []
        return released

    def _drop(self) -> None:
        """A pause: the held candidates are no walk yet; _pieced may still take them up.

        advance() and the next candidate may both see the same pause: the second finds nothing
        held and keeps what the first dropped.
        """
        if not self._confirmed and self._held:
            self._dropped = self._held
        self._confirmed = False
        self._held = []

    def _may_resume(self) -> None:
        """The confirmed bout ends by a pause or a long interval: a walk the detector lost.

        A walk confirmed in walking posture may resume within 2 * end_s of its last candidate
        (_resumes): the detector misses a soft step or two now and then (a wrist's swing hides
        one, a turn softens one), and a walker keeps going far more often than one stops and,
        seconds later, moves the arm in the walk's posture at the walk's pace.
        """
        if self._confirmed and self._posed and self.p.resume_steps is not None:
            self._resume_until = self._last + 2 * self.p.end_s
            self._resume_gaps = list(self._gaps)

    def _resumes(self) -> list[StepEvent]:
        """The latest resume_steps measured held candidates if they resume the lost walk; [].

        The walk ended as _may_resume says. The run begins within the window, every candidate
        is in walking posture and near the walk's own (same_posture, the bout's _walk_up), and
        its intervals keep one rhythm (the spread test) with the walk's latest ones: the same
        walk, going on.
        """
        n = self.p.resume_steps
        # Most candidates come with no walk to resume: no run is looked for then.
        if n is None or not self._held or self._held[0].t > self._resume_until:
            return []
        run = self._run(n)
        if len(run) < n or run[0].t > self._resume_until:
            return []
        if not all(self._in_walk_posture(s) for s in run):
            return []
        # Intervals past max_interval have emptied the held candidates already; any that keep
        # one rhythm with the walk's are steps'.
        steps = self._intervals(run)
        return run if steps and self._regular([*self._resume_gaps, *steps]) else []

    def _pieced(self, need: int) -> list[StepEvent]:
        """The dropped candidates that start the walk the held ones continue; [] if none do.

        The detector can lose a walk before it is confirmed, as after (_resumes): a soft step or
        two, a turn. The held candidates (every one in walking posture, resume_steps measured at
        least) continue the run a pause dropped (_dropped: its latest candidates in walking
        posture, as many measured at least) if the pause lasted at most 2 * end_s, the two hold
        `need` measured candidates together, the held ones lie within same_posture of the dropped
        part's mean posture, and their intervals on either side of the pause keep one rhythm (the
        interval across it is left out, as one across missing data). The dropped run's part is
        returned, to count with the held ones.
        """
        n = self.p.resume_steps
        if n is None or not self._dropped or not self._held:
            return []
        if interval(self._dropped[-1].t, self._held[0].t) > 2 * self.p.end_s:
            return []
        start = len(self._dropped)
        while start > 0 and self._posture_ok(self._dropped[start - 1]):
            start -= 1
        lead = self._dropped[start:]
        if not self._all_posed(self._held):
            return []
        measured = [sum(s.features is not None for s in part) for part in (lead, self._held)]
        if min(measured) < n or sum(measured) < need:
            return []
        # The held candidates keep the posture the walk had before the loss, as a resumed walk
        # keeps its bout's.
        mean = self._mean_up(lead)
        ups = [s.features.up for s in self._held if s.features is not None]
        if mean is None or min(float(np.dot(up, mean)) for up in ups) < self.p.same_posture:
            return []
        steps = [*self._intervals(lead), *self._intervals(self._held)]
        return lead if steps and self._regular(steps) else []

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
        Only in a bout confirmed in walking posture, or in any posture where swing_any_posture is
        set (the thigh: a sensor strapped along it or lying across the pocket swings all the same;
        a hand held in front does not), and only as output, like _stride_fill; the callers never
        pass an interval across missing data.
        """
        p = self.p
        posed = self._posed or p.swing_any_posture
        # Up to the swing's longest stride (max_swing_stride): the run's intervals may be that
        # long where the swing says they are strides.
        stride = self._swing_long(dt, step)
        if not (p.swing_fill and posed and stride):
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
        return self._still_posed(step) and self._still_striding(step)

    def _still_striding(self, step: StepEvent) -> bool:
        """The bout's latest candidates, `step` with them, still repeat half a cycle later.

        A walk that turns into pedalling (or a ride a soft start let through) keeps a rhythm the
        bout would follow; min_half_cycle judges its latest _phase_n measured candidates as it
        judged those it confirmed with.
        """
        if self.p.min_half_cycle is None or step.features is None:
            return True
        self._recent = [*self._recent, step.features][-self._phase_n :]
        return self._strides_whole(self._recent)

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
            ended = self._ended_intervals(run)
            steps = [d for d, _ in ended]
            # k slow ones inside the run need k + 2 intervals; fewer (or none: every interval
            # spans missing data) say nothing.
            if len(steps) < k + 2 or not self._steps_long(ended):
                continue
            # The k longest; of equal ones the earlier (nlargest keeps their order), as the
            # rule's first form did. Candidate times lie on the detector's grid, so they happen.
            left_out = heapq.nlargest(k, range(len(steps)), key=steps.__getitem__)
            inside = all(0 < j < len(steps) - 1 for j in left_out)
            if inside and self._regular([d for j, d in enumerate(steps) if j not in left_out]):
                return run
        return []

    def _fore_aft(self, run: list[StepEvent]) -> bool:
        """The run's trunk moves horizontally at its step frequency as a walking one does.

        min_horizontal, on the median of the measured candidates' StepFeatures.step_horizontal:
        walking brakes the body at each heel strike and pushes it on at each push-off, so the
        trunk's fore-aft acceleration oscillates once a step, while a seat bouncing a seated body
        moves it up and down (docs/walking_gate.md, "Trunk: a seat's bounce has no step's
        fore-aft"). The median: one candidate measured across a turn or the walk's first steps
        does not decide. Where none is known, nothing is refused.
        """
        return _median_reaches(
            [s.features.step_horizontal for s in run if s.features is not None],
            self.p.min_horizontal,
        )

    def _swings(self, run: list[StepEvent]) -> bool:
        """The run's sensor turns as a walking thigh swinging once a stride does (min_turn).

        On the median of the measured candidates' StepFeatures.turn_deg: a walking thigh swings
        forward and back by tens of degrees every stride; a thigh resting on a pedal between
        strokes, or on a car seat, is jolted by the road in a rhythm but hardly turns
        (docs/walking_gate.md, "Thigh: a walking thigh swings"). The median: a run's first
        candidates measure a window that holds the standing before the walk. Where none is known,
        nothing is refused.
        """
        return _median_reaches(
            [s.features.turn_deg for s in run if s.features is not None], self.p.min_turn
        )

    def _paced(self, run: list[StepEvent]) -> bool:
        """The run's candidates keep pace with the motion between them (max_cycles).

        Oscillations counted over the run's measured candidates after its first, per candidate
        interval they span (a restored candidate between two measured ones has no count of its
        own); where none is known, nothing is refused.
        """
        limit = self.p.max_cycles
        if limit is None:
            return True
        cycles = intervals = 0.0
        last: int | None = None
        for k, step in enumerate(run):
            if step.features is None:
                continue
            if last is not None and step.features.cycles is not None:
                cycles += step.features.cycles
                intervals += k - last
            last = k
        return intervals == 0 or cycles <= limit * intervals

    def _rides_bounce(self, run: list[StepEvent]) -> bool:
        """The run's jolts lie along gravity as a walking body's bounce does (min_vertical_share).

        On the median of the measured candidates' StepFeatures.vertical_share: one candidate
        jolted across gravity (a turn, a glance at the watch) does not decide. Where none is
        known, nothing is refused.
        """
        return _median_reaches(
            [s.features.vertical_share for s in run if s.features is not None],
            self.p.min_vertical_share,
        )

    def _phase_evidence(self, run: list[StepEvent]) -> list[StepFeatures]:
        """The measured candidates min_half_cycle judges a confirming run on.

        The run's own; where none of them knows its half cycle and the candidates held with it
        span missing data (the detector forgets the signal there and knows no cycle for a few
        seconds), the latest _phase_n measured held ones, which the walk would release too: a run
        of those must not let the pedal strokes held before the gap through.
        """
        own = [s.features for s in run if s.features is not None]
        if not self._bridged or any(f.half_cycle is not None for f in own):
            return own
        return [s.features for s in self._held if s.features is not None][-self._phase_n :]

    def _strides_whole(self, measured: list[StepFeatures]) -> bool:
        """The measured candidates' magnitude repeats half the sensor's cycle later (median).

        min_half_cycle, on StepFeatures.half_cycle. Where none is known (no steady cycle: a
        ride's starts and stops, the seconds after a gap) the rule abstains: nothing is refused.
        """
        return _median_reaches([f.half_cycle for f in measured], self.p.min_half_cycle)

    def _firm(self, step: StepEvent) -> bool:
        """A held candidate's jolt is a heel strike's (soft_jolt, else the run's threshold)."""
        jolt = self.p.min_amplitude if self.p.soft_jolt is None else self.p.soft_jolt
        return step.features is None or step.features.amplitude >= jolt

    def _all_posed(self, run: list[StepEvent]) -> bool:
        """Every candidate of the run is in walking posture."""
        return all(self._posture_ok(s) for s in run)

    def _steps_long(self, ended: list[tuple[float, StepEvent]]) -> bool:
        """Every interval is a walking step's (min_interval to max_interval) or a swing's stride.

        `ended`: each interval with the candidate ending it, whose swing may make an interval
        past max_interval a stride (_swing_long).
        """
        if min(d for d, _ in ended) < self.p.min_interval:
            return False
        return all(d <= self.p.max_interval or self._swing_long(d, b) for d, b in ended)

    def _posture_ok(self, step: StepEvent) -> bool:
        axis = self.p.upright_axis
        if axis is None or step.features is None:
            return True
        up = float(step.features.up[axis])
        return upright_cos(up, self._sign) >= self.p.min_upright

    def _intervals(self, run: list[StepEvent]) -> list[float]:
        """Intervals between consecutive candidates, except those across missing data."""
        return [d for d, _ in self._ended_intervals(run)]

    def _ended_intervals(self, run: list[StepEvent]) -> list[tuple[float, StepEvent]]:
        """_intervals, each with the candidate ending it."""
        return [
            (interval(a.t, b.t), b) for a, b in itertools.pairwise(run) if b.t not in self._bridged
        ]

    def _rhythm_ok(self, run: list[StepEvent], *, sides: bool = False) -> bool:
        """The run keeps a walking rhythm (and, with `sides`, side_rhythm may pass it).

        `sides`: the run is in walking posture. A hand held in front does not swing, so its
        alternating intervals are no walk's.
        """
        ended = self._ended_intervals(run)
        steps = [d for d, _ in ended]
        if not steps:
            return False
        if not self._steps_long(ended):
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


def _median_reaches(values: list[float | None], limit: float | None) -> bool:
    """The known values' median reaches `limit`; no limit, or no value known: the rule abstains."""
    known = [v for v in values if v is not None]
    return limit is None or not known or statistics.median(known) >= limit


class OpenGate(WalkingGate):
    """Lets every candidate through: what the detector alone reports (for benchmarks)."""

    def add(self, steps: list[StepEvent]) -> list[StepEvent]:
        """Every candidate counts."""
        return list(steps)
