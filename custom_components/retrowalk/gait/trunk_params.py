"""The trunk detector's parameters (trunk.py) and the values it ships with, per placement.

Kept apart from the detector as the gate's are (gate_params.py): one home for every tuned value,
read by the detector, the benchmarks and the tests. How each was chosen: docs/trunk_steps.md,
docs/trunk_direction.md and docs/walking_gate.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from .gate_params import LONGEST_SWING_S, RUN_STRIDE_S
from .stride_comb import CombParams
from .trunk_signal import hann_kernel
from .types import FloatArray, Placement

# The placements the trunk detector serves (every other one has the foot's).
TRUNK_PLACEMENTS = (Placement.WAIST, Placement.CHEST, Placement.THIGH, Placement.WRIST)


@dataclass(frozen=True, slots=True)
class TrunkParams:
    """Tuning of the trunk detector (see the module docstring for how it was chosen)."""

    fs: float = 50.0
    block_s: float = 0.25  # processing cadence: latency against per-call cost
    history_s: float = 5.0
    gravity_s: float = 1.0
    smooth_s: float = 0.2
    # Low-pass the acceleration at band_hz (0: off) before its magnitude, over band_half_s either
    # side of each sample (as long as the smoothing's half-width at its shipped 0.2 s, but its own
    # field: a longer band would push the thigh's report delay past the gate's REPORT_LAG_S, 1.5 s,
    # which it now meets by 0.02 s at most). The magnitude rectifies what rings above
    # walking's band into slow bumps: a phone loose in a trouser pocket rattles after its own
    # leg's heel strike, and the bump that makes fills the valley before the other leg's softer
    # step, so the detector finds one step a stride (docs/walking_gate.md, "The thigh's band").
    band_hz: float = 0.0
    band_half_s: float = 0.1
    # A peak/valley must dominate this much on either side: wide enough to swallow slow
    # walking's push-off bump (it follows heel strike by ~0.3 s), which caps cadence at 3.3/s.
    extremum_s: float = 0.3
    peak_k: float = 0.5  # peak threshold, times the recent RMS (0.45-0.55 perform alike)
    peak_min: float = 0.5  # m/s^2
    # Step time: the latest hump (a maximum over +-hump_s, half the smoothing width) after the
    # segment's peak reaching hump_k of its height, at most hump_reach median intervals later
    # (hump_reach_s before a bout has a rhythm; hump_reach half-strides of the stride comb's
    # while it runs): in slow walking the heel strike can be lower than the hump before it.
    # Whether there is a step, and the rhythm, still use the peak.
    hump_s: float = 0.1
    hump_k: float = 0.5
    hump_reach: float = 0.5
    hump_reach_s: float = 0.3
    valley_k: float = 0.3
    valley_min: float = 0.2
    hold_s: float = 0.7  # commit a peak without a following valley after this long
    start_gap_s: float = 1.3  # the first steps of a bout must be closer than this
    # Or as far apart as this (None: no such start) where the swing measured on the signal
    # (measured_swing) says the interval is a stride: a pocket the detector follows once a stride
    # (one leg's landing too soft to find) walks slowly up stairs at 1.34-1.42 s a stride
    # (MobiFall); a slow stride is up to the swing's longest lag (swing_lags_s[1]).
    stride_start_s: float | None = None
    bout_gap_s: float = 1.5  # or 2.6 median intervals, whichever is longer (capped below)
    bout_gap_max_s: float = 2.5
    start_steps: int = 2
    fill_lo: float = 1.6
    fill_hi: float = 2.4
    # A window with candidates under run_period_s and |a| under run_flight (m/s^2: a flight
    # phase) somewhere in it is a run's: it reads no direction (trunk.py's docstring).
    run_flight: float = 2.0
    run_period_s: float = 0.5
    # A window whose vertical amplitude at the step's frequency exceeds this times the
    # horizontal one is a descent's, not a walk's: it reads no direction (None: never), and keeps
    # its bout's. Real backward walks at the waist lie under it (Erciyes: 90th percentile 1.59);
    # going down stairs mostly above (HAPT's waist: median 4.1); a forward walk's windows above
    # it keep their bout's direction. Only at the waist: at the chest real backward walks lie
    # above it too (docs/trunk_direction.md, "Stairs down").
    descent_ratio: float | None = None
    direction_steps: int = 4  # cross-spectrum window, in steps
    # A bout keeps its direction until this many windows in a row disagree: starting, stopping
    # and turning make single windows of a forward walk look backward (Oxford, all forward:
    # 2.2% of steps labelled backward with 1, 1.6% with 2; Bandai unchanged). Costs one step
    # of delay when a walker really switches direction without stopping.
    switch_windows: int = 2
    edge_s: float = 0.1  # extrema this close to where the data starts or stops are not trusted
    # The wrist's stride comb (stride_comb.py); None: off. The trunk has no limb swing to lock
    # onto the stride; the thigh has (docs/walking_gate.md, "Stride-locked pocket walks"), but
    # the comb there counted steps in spsw's seated segments (0 -> 23 an hour), so the thigh
    # tells strides from steps by its swing instead (below).
    comb: CombParams | None = None
    # Measure the sensor's swing for the gate (StepFeatures.swing_s, for steps a short stride or
    # more after the one before: the gate reads it only there): a trouser pocket swings with the
    # thigh, a watch with the hanging arm, once a stride (docs/walking_gate.md, "The thigh's swing",
    # "Wrist: the arm's swing"). Over the latest swing_window_s (a few strides), at lags
    # swing_lags_s around a walking stride; a swing is alike at least swing_alike a period later and
    # at most swing_reverses half a period later (normalised autocorrelation). A stride under about
    # 0.85 s (140 steps/min) is found at twice its length, where half of it is alike: no swing then.
    swing: bool = False
    swing_window_s: float = 4.0
    # A stride under about this is found at twice its length (above): a best lag shorter than
    # it is a slow walker's step bounce (0.7-0.9 s steps, each alike the next), not a swing.
    swing_shortest_s: float = 0.85
    # A shorter period, down to this (None: none), is a swing where the sensor turns as a thigh
    # does (turn_rms at least WAIST_TURN_DEG, along_alike at least 0): a jogging thigh's stride
    # (gate_params.RUN_STRIDE_S). A step bounce repeats every step along gravity without turning
    # the sensor (the trunk's; at the thigh, a pocket that does not swing with it), so it stays
    # no swing; the turn does not tell a jog from a walk, whose strides are longer anyway.
    swing_turned_s: float | None = None
    swing_lags_s: tuple[float, float] = (0.7, LONGEST_SWING_S)
    swing_alike: float = 0.5
    swing_reverses: float = 0.5
    # Where the sensor is not known to be on a swinging limb (the waist: a hip pocket is a
    # trouser pocket), a swing also has to turn the sensor as a thigh does: the smoothed
    # acceleration's direction over the window at least this far from its mean (RMS, degrees;
    # turn_rms; 0: no turn asked). A sensor at a belt turns less than this while walking, a slow
    # walker's bounce along gravity not at all. And it has to turn as a swing does, not as a bag
    # rocking once a step: along its mean direction the signal is alike, not reversed, half the
    # swing's period later (along_alike at least 0; g cos(phi) repeats every half swing).
    swing_turn_deg: float = 0.0
    # Measure, for each step, how alike the magnitude is half the sensor's cycle later
    # (StepFeatures.half_cycle; the gate's min_half_cycle), the cycle being the lag within
    # cycle_lags_s at which the three axes are most alike over the latest swing_window_s: a
    # walking stride (0.8-1.6 s) or a pedal stroke (60-120 rpm: 0.5-1.0 s).
    half_cycle: bool = False
    cycle_lags_s: tuple[float, float] = (0.5, 1.6)
    # Measure, for each step, how far the sensor turned over the latest swing_window_s
    # (StepFeatures.turn_deg, turn_rms; the gate's min_turn): a walking thigh swings forward and
    # back once a stride, a thigh resting on a coasting pedal or a car seat hardly turns.
    turn: bool = False


# Walking with a sensor worn at the waist turns it by at most about 11 degrees RMS over a swing
# window (99th percentile: HAPT's belt 11.2, UMAFall's waist 9.4); a trouser pocket's thigh turns
# it by 12-22 (medians, Oxford and UMAFall pockets). `python -m tools.bench.waist_turn`.
WAIST_TURN_DEG = 12.0
# Walking's movement lies below about 10 Hz (the engine counts WISDM's and UMAFall's 20 Hz
# recordings, which hold nothing above it); what a phone loose in a trouser pocket adds above it
# is rattle (docs/walking_gate.md, "The thigh's band").
THIGH_BAND_HZ = 10.0
# The waist's descent_ratio: a walk vaults the body over the stance leg, its vertical and
# fore-aft accelerations at the step's frequency of a size (real backward walks: median 0.74,
# 90th percentile 1.59); a descent drops the body a stair each step (docs/trunk_direction.md,
# "Stairs down").
DESCENT_RATIO = 2.0


def shipped_params(placement: Placement) -> TrunkParams:
    """The detector as shipped: the stride comb at the wrist, the swing at thigh, wrist and waist.

    At the waist only a swing that turns the sensor as a thigh does (a hip pocket) counts. At the
    thigh the acceleration is band-limited before its magnitude (a pocket's rattle), and a walk
    may start with two candidates a swing's stride apart (stride_start_s).
    """
    return TrunkParams(
        comb=CombParams() if placement is Placement.WRIST else None,
        swing=placement in (Placement.THIGH, Placement.WRIST, Placement.WAIST),
        swing_turn_deg=WAIST_TURN_DEG if placement is Placement.WAIST else 0.0,
        swing_turned_s=RUN_STRIDE_S if placement is Placement.THIGH else None,
        band_hz=THIGH_BAND_HZ if placement is Placement.THIGH else 0.0,
        half_cycle=placement is Placement.THIGH,
        turn=placement is Placement.THIGH,
        stride_start_s=LONGEST_SWING_S if placement is Placement.THIGH else None,
        descent_ratio=DESCENT_RATIO if placement is Placement.WAIST else None,
    )


def smoothing_kernel(p: TrunkParams, fs: float) -> FloatArray:
    """The detector's smoothing (smooth_s, an odd number of samples at `fs`)."""
    return hann_kernel(round(p.smooth_s * fs) | 1)
