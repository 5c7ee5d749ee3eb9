"""What each placement asks of a walk before its steps count: the walking gate's parameters.

GateParams and its per-placement table GATE_PARAMS hold the evidence a walk needs (candidates
in a row, their rhythm, the jolt, the posture), with the constants they are made of and the
reasons for each value, and two small rules on them: swing_stride (an interval is the swing's
stride) and upright_cos (how a posture is compared with min_upright). They live apart from the
gate (gate.py: how it judges a run of candidates) because more than the gate reads them: the
stride comb (its stride range, tolerance and wrist cone), the trunk detector (the shortest
stride it measures a swing for) and the benches, which vary them. So this module imports no part
of the gate, and a fact about a placement's walking has one home. The methods the comments name
(_soft_between, _around_slow_steps, _stride_fill, _swing_step, ...) are WalkingGate's, in gate.py.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
import math

from .bouts import BOUT_END_S
from .stride import MAX_STRIDE_TIME_S
from .types import Placement, StepEvent, at_most

# The detector contract (detector.py): a step is reported at most about this long after it happened.
REPORT_LAG_S = 1.5


# The shortest step a stride-locked bout's candidate interval is split into (stride_fill): 150
# steps/min, brisk walking's upper end. Stride-locked wrist walks have one candidate per 0.9-1.3 s
# (WISDM, where the spectrum says 89-127 steps/min); a faster bout's candidates are its steps.
MIN_FILLED_STEP_S = 0.4
# The shortest interval taken for a stride (the stride fill's, the stride comb's, the swing's but
# at the thigh: RUN_STRIDE_S).
MIN_STRIDE_S = 2 * MIN_FILLED_STEP_S


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
    # A walk the detector lost for a moment goes on with this many candidates (None: never; a
    # new walk needs confirm_steps). A bout confirmed in walking posture and ended by a pause or a
    # long interval, not by its posture, resumes where within 2 * end_s of its last step a run of
    # this many begins that keeps the bout's posture (same_posture) and one rhythm with the bout's
    # latest intervals (_resumes). A run in walking posture that a pause dropped before it was
    # confirmed is the start of the walk that the candidates after the pause make, if each holds
    # this many, both confirm_steps together, all in one posture and rhythm (_pieced).
    resume_steps: int | None = None
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
    # Inside a bout confirmed in walking posture (or in any, swing_any_posture), an interval as
    # long as the stride of the
    # sensor's own swing (StepFeatures.swing_s of the candidate ending it, within STRIDE_TOL) and
    # in the stride range is a stride with its other leg's step missed: that step is restored
    # half-way, from the confirming run's intervals on (_swing_step, swing_stride). A thigh or a
    # hanging arm swings once a stride, so the swing tells strides from steps wherever the
    # detector follows the walk only now and then.
    swing_fill: bool = False
    # A run confirmed out of walking posture (unposed_steps) is no walk if the acceleration's
    # magnitude oscillates more than this often per candidate interval (StepFeatures.cycles;
    # None: no such rule). A step is one oscillation (the heel strike's rise and fall), a
    # stride two (a wrist's detector can take one candidate a stride); arm work whose strokes
    # come faster than the candidates the detector takes in it (scrubbing, brushing teeth) is
    # more (_paced).
    max_cycles: float | None = None
    # A run confirmed out of walking posture (unposed_steps) is no walk if its jolts lie mostly
    # across gravity: the median over its measured candidates of StepFeatures.vertical_share
    # must reach this (None: no such rule; where no candidate knows it, the rule abstains). A
    # walking body bounces once a step along gravity and a hand it carries rides the bounce; a
    # hand brushing teeth or clapping moves across it (_rides_bounce).
    min_vertical_share: float | None = None
    # A walk whose latest measured candidates (up to the longer confirming run's worth, the held
    # ones with the run) have a StepFeatures.half_cycle median under this is no walk (None: no
    # such rule): a run there confirms none, and a bout ends there. A walking limb's cycle (a
    # stride) holds two steps, so the magnitude repeats half a cycle later; pedalling turns the
    # thigh once a rise and fall of the magnitude, reversed there (_strides_whole).
    min_half_cycle: float | None = None
    # The swing fill (swing_fill) also in a bout confirmed out of walking posture: a sensor that
    # swings once a stride is on a swinging limb whatever way round it sits (the thigh's level-y
    # rule takes a sensor strapped along the thigh, or a phone lying across it, for a seated one).
    swing_any_posture: bool = False
    # The median, over a confirming run's measured candidates, of the horizontal acceleration's
    # amplitude at the step frequency (StepFeatures.step_horizontal, m/s^2) must reach this
    # (None: no such rule; where no candidate knows it, the rule abstains). A walking trunk is
    # braked and pushed on at every step; a seated body bounced by a car is not (_fore_aft).
    min_horizontal: float | None = None
    # The median, over a confirming run's measured candidates, of how far the sensor turned over
    # the detector's swing window (StepFeatures.turn_deg, degrees RMS) must reach this (None: no
    # such rule; where no candidate knows it, the rule abstains). A walking thigh swings forward
    # and back once a stride; a thigh on a saddle between pedal strokes, or on a car seat, barely
    # turns while the road jolts it in a rhythm (_swings).
    min_turn: float | None = None
    # The shortest interval the swing fill takes for a stride (swing_stride): MIN_STRIDE_S, or
    # at the thigh a jogger's stride (RUN_STRIDE_S), whose swing the detector measures there.
    min_swing_stride: float = MIN_STRIDE_S
    # The longest interval taken for a stride where the swing measured at its end says it is one
    # (swing_stride; None: max_interval). Such an interval also keeps a run going before a walk is
    # confirmed and counts in its rhythm, though longer than max_interval: a pocket the detector
    # follows once a stride (one leg's landing too soft to find, MobiFall's stair climbs:
    # 1.34-1.42 s apart) is walking as long as the thigh swings at that stride. Every other
    # interval keeps max_interval (WalkingGate._swing_long).
    max_swing_stride: float | None = None

    @property
    def swing_stride_max(self) -> float:
        """The longest interval a swing measured at its end makes a stride."""
        longest = self.max_swing_stride
        return self.max_interval if longest is None else max(longest, self.max_interval)


# A heel strike jolts the trunk upwards by well over 0.1 g (1 m/s^2) at any walking speed
# (walking steps' peaks: 10th percentile 1.1-2.2 m/s^2 at waist, chest, thigh and wrist in
# daily-living); sitting, standing and lying candidates are mostly below it.
_JOLT = 1.0
# A jogger's stride, the shortest a thigh's swing is taken for (TrunkParams.swing_turned_s) and
# then filled (GateParams.min_swing_stride): nine people's pocket phones jog at strides of
# 0.74-0.91 s (MobiFall; the detector follows four of them one candidate a stride), and the
# swing's lags start at 0.7 s. A walking stride is longer: the same nine walk at 1.08-1.42 s,
# with no 4 s window whose best lag from 0.5 s lies under 0.85. docs/mobifall.md, "Jogging".
RUN_STRIDE_S = 0.7
# The longest stride a swing is measured at (TrunkParams.swing_lags_s's upper end) and so the
# longest a slow walker's stride can be shown to be one: at the thigh the gate and the detector's
# walk start take an interval up to it where the swing measured says it is a stride (slow stairs,
# a pocket followed once a stride; docs/mobifall.md, "Why four stair climbs count nothing").
LONGEST_SWING_S = 1.6
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
# A walking trunk's fore-aft acceleration swings at every step (the heel strike brakes the body,
# the push-off drives it on): the horizontal amplitude at the step frequency, median over a
# confirming run, is 0.49 m/s^2 or more in 99 % of real walking's runs in every trunk data set
# (1st percentiles: UMAFall chest 0.49, UMAFall waist 0.63, Mobilise-D lab 0.65, Oxford neck
# pouch 0.87, HAPT 1.09, Oxford waist-like 1.19), the jolt's rule for a limit from walking alone
# (tools/bench/gate_eval.py, WALK_JOLT_PERCENTILE), rounded down. A car seat bounces a seated
# body up and down: its runs lie at 0.33 at most (the virtual drives, a real windshield phone).
_STEP_FORE_AFT = 0.45
# A walking thigh swings forward and back once a stride, so a pocket's direction turns about its
# mean: a confirming run's median over the detector's 4 s windows (StepFeatures.turn_deg, RMS) is
# 7.9 degrees or more in 99 % of real forward walking's runs in every thigh data set (1st
# percentiles: UMAFall pocket 7.9, spsw pocket 8.2, Oxford back and front pockets 8.9 and 9.5,
# Oxford validation pockets 13.9 and 18.8; HuGaDB's strapped thighs: stairs up 10.0, walking 14.3;
# the jolt's rule for a limit from walking alone). No real backward walk at the thigh has a
# pocket's signal, and a backward step is shorter, so the thigh swings less: the limit is the
# forward one scaled by the virtual wearer's backward to forward step length (0.36 / 0.70 m;
# its backward walks turn 5.6-6.5, where 7.5 refused a third of their steps and a slow one's
# every step), rounded down. A thigh resting on a car seat or on a coasting pedal hardly turns
# (HuGaDB's passenger and rider: 3.1-3.5; `python -m tools.bench.walk_jolts --turn`;
# docs/walking_gate.md, "Thigh: a walking thigh swings").
_WALK_TURN_DEG = 4.0
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
    min_horizontal=_STEP_FORE_AFT,
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
        # A sensor strapped along the thigh (or a phone lying across it) has its y axis level
        # while walking: its walks confirm out of walking posture, and their strides, where the
        # detector follows one candidate a stride, still hold the other leg's step (HuGaDB's
        # strapped thigh sensors, 18 people: one candidate a stride).
        swing_any_posture=True,
        # Real walking's medians lie at -0.25 or above, pedalling's at -0.53 or below (95 %): the
        # line is 0.1 below the lowest walk, so tuned on the Oxford validation back pockets
        # (figures: docs/walking_gate.md, "Thigh: pedalling, and a sensor along the thigh").
        min_half_cycle=-0.35,
        min_turn=_WALK_TURN_DEG,
        # A jogging thigh swings once a stride too, and the detector can follow one leg there
        # (MobiFall: four of nine joggers): its strides are filled down to a jogger's stride.
        min_swing_stride=RUN_STRIDE_S,
        # And up to the swing's longest stride: a slow climb followed once a stride.
        max_swing_stride=LONGEST_SWING_S,
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
        # The least run with two intervals for the rhythm test: the arm's swing hides a step now
        # and then, and a walk lost for it goes on (docs/walking_gate.md, "Wrist: a walk the
        # detector lost resumes", "... and one it lost before it was confirmed").
        resume_steps=3,
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
        # Three oscillations per candidate interval: a stride's two and one more for the hand's
        # own motion. Real walking and jogging with the hand in front reach 2.7 (WISDM's jogging;
        # Oxford's in-hand phones 2.1, HMP's walks 1.7, UMAFall's 1.6), real toothbrushing (HMP)
        # 3.4. Not for a hanging arm, whose own swing adds oscillations (WISDM walks: up to 3.2);
        # docs/walking_gate.md, "Wrist: faster than its steps".
        max_cycles=3.0,
        # A jolt alike in every direction has a third of its power along gravity: a hand held
        # in front whose runs' jolts lie less along it than that is not carried by a walk.
        # Real hand-in-front walking and jogging runs in the shared data lie at 0.32 or more
        # (WISDM walking's least; Oxford's in-hand phones 0.45), 5 of the Bangle.js walks' 89
        # under it; real brushing's and clapping's at 0.25-0.28 (medians; docs/walking_gate.md,
        # "Wrist: a hand held in front must ride the body's bounce"; WISDM's arm work tuned on).
        min_vertical_share=1 / 3,
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


def swing_stride(dt: float, step: StepEvent, max_interval: float, min_stride: float) -> bool:
    """Whether the interval `dt` before `step` is a stride of the swing measured at it.

    In the stride range (`min_stride`, GateParams.min_swing_stride, to `max_interval`) and
    within STRIDE_TOL of the swing's period (StepFeatures.swing_s; never where none was measured).
    """
    swing = step.features.swing_s if step.features is not None else None
    return is_stride(dt, swing, max_interval, min_stride)


def is_stride(dt: float, swing: float | None, max_interval: float, min_stride: float) -> bool:
    """Whether the interval `dt` is a stride of the swing period `swing` (swing_stride's test).

    In the stride range (`min_stride` to `max_interval`) and within STRIDE_TOL of `swing`;
    never where no swing was measured (None).
    """
    if swing is None or not (at_most(min_stride, dt) and dt <= max_interval):
        return False
    return at_most(abs(dt - swing), STRIDE_TOL * swing)


def upright_cos(along: float, sign: int) -> float:
    """The cosine of an axis's angle from vertical as the posture rule takes it.

    `along`: the axis's component of the unit "up". On the learned hanging side (`sign` +1 or
    -1); either end down before one is learned (0).
    """
    return sign * along if sign else abs(along)
