"""Named scenarios: a demo, the end-to-end test's script, a realistic day, a commute, a ride."""

from __future__ import annotations

from collections.abc import Callable

from .segments import Activity, Segment
from .timing import segment_seconds

A = Activity
DAY_S = 86400.0


def _sit(seconds: float) -> Segment:
    return Segment(activity=A.SIT, seconds=seconds)


def _stand(seconds: float) -> Segment:
    return Segment(activity=A.STAND, seconds=seconds)


def _walk(activity: Activity, steps: int, cadence: float = 105.0, turn: float = 0.0) -> Segment:
    return Segment(activity=activity, steps=steps, cadence=cadence, turn=turn)


def _do(activity: Activity, seconds: float) -> Segment:
    """Arm work or lying: eating, typing, brushing teeth, lying in bed."""
    return Segment(activity=activity, seconds=seconds)


def demo() -> list[Segment]:
    """About three minutes of everything, for watching the device page."""
    return [
        _sit(20.0),
        _stand(5.0),
        _walk(A.FORWARD, 30),
        _stand(3.0),
        _walk(A.BACKWARD, 20, 85.0),
        _walk(A.FORWARD, 16),
        _walk(A.LEFT, 8, 75.0),
        _walk(A.RIGHT, 8, 75.0),
        _sit(60.0),
    ]


def e2e() -> list[Segment]:
    """Sit, walk forward, walk backward, then sit long enough for a short sedentary threshold."""
    return [
        _sit(10.0),
        _walk(A.FORWARD, 40),
        _stand(2.0),
        _walk(A.BACKWARD, 30, 85.0),
        _sit(120.0),
    ]


def chores() -> list[Segment]:
    """About eight minutes of everyday life without much walking, for the end-to-end suite.

    Typing, short indoor walks with a U-turn and a corner, eating, brushing teeth, lying down
    and rolling over: nothing but the two walks has steps, so every other step counted is a
    false one.
    """
    return [
        _do(A.TYPE, 90.0),
        _walk(A.FORWARD, 14, 95.0, turn=180.0),  # fetch something from the next room
        _stand(5.0),
        _do(A.EAT, 120.0),
        _walk(A.FORWARD, 22, 100.0, turn=-90.0),  # round a corner to the bathroom
        _do(A.BRUSH, 90.0),
        _sit(10.0),
        _do(A.LIE, 120.0),
        _sit(20.0),
    ]


def commute() -> list[Segment]:
    """About 1 h 50 min: a drive to work, desk work, the drive home (each drive 35 minutes).

    Short walks to and from the car, each round a corner; nothing else has steps, so every
    other step counted is a false one, and two thirds of the time is spent driving.
    """
    return _to_work_and_back(A.DRIVE, 2100.0, near=60, far=150, desk_s=1500.0, home_s=600.0)


def ride() -> list[Segment]:
    """About 1 h 15 min: a bike ride to work, desk work, the ride home (each ride 25 minutes).

    Short walks to and from the bike; nothing else has steps, so every other step counted is a
    false one, and two thirds of the time is spent riding (docs/daily_life.md, "Cycling").
    """
    return _to_work_and_back(A.CYCLE, 1500.0, near=30, far=80, desk_s=600.0, home_s=300.0)


def _to_work_and_back(
    vehicle: Activity, ride_s: float, *, near: int, far: int, desk_s: float, home_s: float
) -> list[Segment]:
    """To work by `vehicle` and back, then sitting at home.

    Out of the house and round the corner to the vehicle (`near` steps), the ride, round a
    corner to the desk (`far`), desk work, and the same way home.
    """
    return [
        _walk(A.FORWARD, near, 100.0, turn=90.0),
        _do(vehicle, ride_s),
        _walk(A.FORWARD, far, 105.0, turn=-90.0),
        _do(A.TYPE, desk_s),
        _walk(A.FORWARD, far, 105.0, turn=90.0),
        _do(vehicle, ride_s),
        _walk(A.FORWARD, near, 100.0, turn=-90.0),
        _sit(home_s),
    ]


def _office_hour() -> list[Segment]:
    """Desk work broken by short trips (printer, kitchen) and one longer walk."""
    return [
        _do(A.TYPE, 1500.0),
        _sit(240.0),
        _walk(A.FORWARD, 14, 95.0, turn=90.0),  # round the corner to the printer
        _stand(30.0),
        _walk(A.FORWARD, 14, 95.0, turn=-90.0),  # and back
        _do(A.TYPE, 900.0),
        _walk(A.FORWARD, 45, 100.0),
        _stand(240.0),
        _walk(A.FORWARD, 45, 100.0),
    ]


def _backward_session(sets: int, steps: int) -> list[Segment]:
    out: list[Segment] = [_walk(A.FORWARD, 20)]
    for i in range(sets):
        out.append(_walk(A.BACKWARD, steps, 80.0 + 4.0 * (i % 3)))
        out.append(_stand(40.0))
    out.append(_walk(A.FORWARD, 20))
    return out


def day() -> list[Segment]:
    """A plausible 24 hours from midnight: about 9000 steps, 8% of them backward.

    Sleep is lying in bed, turning over now and then; desk hours are mostly typing, meals are
    eaten, teeth brushed morning and night, short indoor walks (10-30 steps) break the sitting,
    and the wearer drives 35 minutes to work and back. The last night segment is sized so the
    whole day lasts exactly 24 h on the wearer's clock.
    """
    morning: list[Segment] = [
        _stand(60.0),
        _do(A.BRUSH, 150.0),
        _walk(A.FORWARD, 25, 95.0, turn=-90.0),  # down the hall to the kitchen
        _stand(600.0),
        _walk(A.LEFT, 6, 70.0),
        _walk(A.RIGHT, 6, 70.0),
        _do(A.EAT, 900.0),  # breakfast
        _sit(300.0),
        _walk(A.FORWARD, 40),
        _stand(300.0),
        _walk(A.FORWARD, 1100, 110.0),  # walking to the car park
        _stand(420.0),
        _do(A.DRIVE, 2100.0),  # the commute to work, 35 min
        _walk(A.FORWARD, 300, 108.0),
    ]
    work = _office_hour() * 2 + _backward_session(3, 60) + _office_hour()
    lunch = [
        _walk(A.FORWARD, 500, 110.0),
        _do(A.EAT, 1200.0),  # lunch
        _sit(600.0),
        _walk(A.FORWARD, 450, 108.0),
        *_backward_session(2, 100),
    ]
    afternoon = [
        *_office_hour(),
        *_office_hour(),
        *_office_hour(),
        *_office_hour(),
        _walk(A.LEFT, 10, 75.0),
        _walk(A.RIGHT, 10, 75.0),
        *_office_hour(),
        _walk(A.FORWARD, 800, 108.0),  # errands
        _stand(1800.0),
        _walk(A.FORWARD, 800, 108.0),
        _do(A.DRIVE, 2100.0),  # and home
    ]
    evening = [
        _walk(A.FORWARD, 300, 108.0),
        _sit(1500.0),
        _walk(A.FORWARD, 900, 110.0),
        _stand(900.0),
        _walk(A.FORWARD, 60),
        _sit(1800.0),
        _walk(A.FORWARD, 2000, 112.0),  # an evening walk with a backward stretch
        *_backward_session(3, 120),
        _stand(1500.0),  # cooking
        _walk(A.FORWARD, 40),
        _do(A.EAT, 1500.0),  # dinner
        _sit(900.0),
        _walk(A.FORWARD, 60),
        _sit(4200.0),  # the evening on the sofa
        _walk(A.FORWARD, 18, 95.0, turn=-90.0),  # to the kitchen
        _stand(60.0),
        _walk(A.FORWARD, 18, 95.0, turn=180.0),  # and back to the sofa
        _sit(3300.0),  # the two drives took 1,200 s more than the sitting they replaced
        _walk(A.FORWARD, 30),
        _stand(180.0),
        _do(A.BRUSH, 120.0),
        _walk(A.FORWARD, 12, 95.0, turn=135.0),  # round the bed
        _sit(30.0),  # on the edge of the bed
    ]
    awake = [*morning, *work, *lunch, *afternoon, *evening]
    night = 6.5 * 3600.0
    segments = [_do(A.LIE, night), *awake]
    used = 0.0
    previous: Activity | None = None
    for seg in segments:
        used += segment_seconds(seg, previous)
        previous = seg.activity
    rest = DAY_S - used
    if rest < 600.0:
        raise AssertionError(f"the day preset overflows 24 h by {-rest:.0f} s")
    return [*segments, _do(A.LIE, rest)]


PRESETS: dict[str, Callable[[], list[Segment]]] = {
    "demo": demo,
    "e2e": e2e,
    "day": day,
    "chores": chores,
    "commute": commute,
    "ride": ride,
}
