"""The simulated rig behaves like one: the plunger moves by the steps really issued, exactly;
the end stop, a jam and an occlusion stop the motor and say why; the fluid trapped by an
occlusion is bounded by physics and comes out when the line opens. Runs under pytest and
MicroPython."""
from hal.sim import physics
from hal.sim.board import SimBoard
from hal.sim.world import World
from rigs import SHIPPED, shipped

ML = 1_000_000


def _world(model="BD 60 mL", d_um=26_700):
    return World(1_399_760, 1000, model, d_um)  # a step of 1399.76 nL, as a ratio


def test_the_plunger_moves_by_whole_steps_exactly():
    w = _world()
    w.fill(10 * ML)
    assert w.travel == 10 * ML * 1000 // 1_399_760
    before = w.contents_nl()
    moved, why = w.push(7, 0)
    assert (moved, why) == (7, None)
    assert w.pushed == 7
    # The line holds what left the syringe until it drains; then a balance weighs it all.
    w.tick(60_000)
    assert w.trapped_nl == 0
    assert w.delivered_nl == 7 * 1_399_760 // 1000
    assert before - w.contents_nl() in (w.delivered_nl, w.delivered_nl + 1)


def test_the_end_stop_stops_the_plunger_where_the_syringe_is_empty():
    w = _world()
    w.fill(5 * 1_399_760 // 1000 + 1)  # five whole steps of travel and a sliver
    assert w.travel == 5
    moved, why = w.push(9, 0)
    assert (moved, why) == (5, "end_stop")
    assert w.push(1, 0) == (0, "end_stop")
    assert w.end_stop()


def test_a_jam_moves_nothing_until_cleared():
    w = _world()
    w.fill(ML)
    w.jammed = True
    assert w.push(3, 0) == (0, "stall")
    w.clear("stall")
    assert w.push(3, 0) == (3, None)


def test_an_occlusion_trips_at_the_rigs_pressure_within_one_step():
    w = _world()
    w.fill(40 * ML)
    w.occluded = True
    total = 0
    why = None
    for _ in range(10_000):
        moved, why = w.push(1, 0)
        total += moved
        if why is not None:
            break
    assert why == "occlusion"
    assert w.occlusion_signal()
    step_nl = 1_399_760 // 1000 + 1
    assert w.trip_nl <= w.trapped_nl < w.trip_nl + step_nl
    assert w.delivered_nl == 0
    # The same trip in one move: it stops at the first step past the trip, not at n.
    w2 = _world()
    w2.fill(40 * ML)
    w2.occluded = True
    assert w2.push(10_000, 0) == (total, "occlusion")


def test_the_fluid_an_occlusion_held_comes_out_when_it_clears_and_no_more():
    w = _world()
    w.fill(40 * ML)
    w.occluded = True
    w.push(10_000, 0)
    held = w.trapped_nl
    w.tick(3_600_000)
    assert w.delivered_nl == 0  # still blocked: nothing leaves however long it waits
    w.clear("occlusion")
    w.tick(3_600_001)
    assert 0 < w.delivered_nl < held  # the release takes time, with the line's resistance
    w.tick(3_700_000)
    assert w.delivered_nl == held and w.trapped_nl == 0


def test_compliance_grows_with_the_bore_and_glass_is_stiffer():
    small = physics.compliance_nl_per_kpa("BD 1 mL", 4780)
    large = physics.compliance_nl_per_kpa("BD 60 mL", 26_700)
    glass = physics.compliance_nl_per_kpa("Hamilton 1725", 2300)
    assert glass < small < large
    assert large > 25 * small  # area ratio (26.7 / 4.78)^2 = 31
    for d in (2300, 4780, 8660, 26_700):
        assert physics.stall_kpa(d) > physics.TRIP_KPA  # the sensor trips before a stall


def test_the_world_survives_a_power_cut_through_its_dict_and_refuses_junk():
    w = _world()
    w.fill(3 * ML)
    w.occluded = True
    w.push(20, 0)
    w.battery_mv = 4300
    w2 = _world()
    w2.from_dict(w.to_dict())
    assert w2.to_dict() == w.to_dict()
    bad = w.to_dict()
    bad["travel"] = "12"
    try:
        w2.from_dict(bad)
    except ValueError:
        pass
    else:
        raise AssertionError("a world file with a text count was accepted")


def test_every_shipped_rig_builds_a_sim_board_whose_motor_obeys_enable():
    for name in SHIPPED:
        config, rig = shipped(name)
        board = SimBoard(config, rig, ".")
        board.world.fill(rig.capacity_nl)
        assert not board.motor.enabled  # disabled from construction
        assert board.motor.move(5) == 0 and board.motor.fault() == "stall"
        board.motor.enable(True)
        assert board.motor.move(5) == 5 and board.motor.fault() is None
        assert board.world.pushed == 5


def test_a_reverse_move_on_a_blocked_line_draws_the_trapped_volume_back_not_the_patients():
    w = _world()
    w.fill(10 * ML)
    w.occluded = True
    while w.push(100, 0)[1] != "occlusion":
        pass
    assert w.occlusion_signal()
    trapped, delivered, travel = w.trapped_nl, w.delivered_nl, w.travel
    back = trapped * 1000 // 1_399_760  # whole steps within the trapped volume
    assert w.pull(back, 0) == (back, None)
    assert w.travel == travel + back  # the plunger went back: the syringe holds it again
    assert 0 <= w.trapped_nl < 1400 and not w.occlusion_signal()
    assert w.pressure_pa() < physics.pressure_pa(trapped, w.compliance)
    assert w.delivered_nl == delivered  # nothing came back from the tip
    left = w.trapped_nl
    w.clear("occlusion")
    w.tick(3_600_000)
    assert w.delivered_nl - delivered == left  # only what relief left comes out


def test_a_reverse_move_on_an_open_line_draws_fluid_back_from_the_tip():
    w = _world()
    w.fill(10 * ML)
    w.push(10, 0)
    w.tick(3_600_000)
    delivered = w.delivered_nl
    assert w.pull(3, 3_600_000) == (3, None)
    assert w.delivered_nl < delivered  # honest: an open line gives back what it held
    assert w.trapped_nl == 0


def test_a_reverse_move_stops_where_the_plunger_started():
    w = _world()
    w.fill(10 * ML)
    w.push(5, 0)
    assert w.pull(9, 0) == (5, "end_stop")
    assert w.pull(1, 0) == (0, "end_stop")
