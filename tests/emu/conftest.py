"""The real-target tier: the firmware on MicroPython's own RP2040 build, emulated
(host/pumpctl/emu). Without a .uf2 these tests are skipped with one line saying how to
get one, except under CI=true, where a missing .uf2 is a failure: CI must not pass
because the target was not there."""
import os

import pytest

from pumpctl.emu import assets

REPO = assets.REPO
BD1ML = REPO / "board_configs" / "pico_a4988_m5_bd1ml.json"
BD60ML = REPO / "board_configs" / "pico_tmc2209_t8_bd60ml.json"
BD3ML = REPO / "board_configs" / "pico_tmc2209_t8_bd3ml.json"


def _why_not():
    try:
        if assets.uf2() is None or assets.bootrom() is None:
            return assets.UF2_HINT
        assets.node()
    except assets.AssetError as e:
        return str(e)
    return None


@pytest.fixture(scope="session", autouse=True)
def _target():
    why = _why_not()
    if why is None:
        assets.ensure_rp2040js()
        return
    if os.environ.get("CI") == "true":
        pytest.fail("the emulated Pico is required under CI=true: " + why)
    pytest.skip(why)


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The firmware compiled once (mpy-cross -march=armv6m) for every board here."""
    from pumpctl import deploy
    out = tmp_path_factory.mktemp("build")
    deploy.build(deploy.FIRMWARE, out, say=lambda *_: None)
    return out
