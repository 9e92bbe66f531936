"""TMC2209 UART: the datasheet's CRC8 and datagram layouts, and the driver against a fake
chip (a register file behind a single wire that echoes, checks CRCs, counts writes in
IFCNT and answers reads). Every way the chip can fail to listen is refused. Runs under
pytest and MicroPython."""
from hal import tmc2209 as t
from hal.tmc2209 import Tmc2209, Tmc2209Error

RW, RO, WO, W1C = 0, 1, 2, 3
# register: (access, mask, value after reset)
REGISTERS = {
    t.GCONF: (RW, 0x3FF, 0x041),
    t.GSTAT: (W1C, 0x7, 0x1),  # reset flag set at power-up
    t.IFCNT: (RO, 0xFF, 0),
    t.IOIN: (RO, 0xFFFFFFFF, 0x21000040),
    t.IHOLD_IRUN: (WO, 0x0F1F1F, 0x00081F10),
    t.TPOWERDOWN: (WO, 0xFF, 20),
    t.TPWMTHRS: (WO, 0xFFFFF, 0),
    t.TCOOLTHRS: (WO, 0xFFFFF, 0),
    t.SGTHRS: (WO, 0xFF, 0),
    t.SG_RESULT: (RO, 0x3FF, 0),
    t.CHOPCONF: (RW, 0xFFFFFFFF, 0x10000053),
    t.DRV_STATUS: (RO, 0xFFFFFFFF, 0xC0000000),
}


def crc_reflected(data):
    """An independent CRC8: reverse the bits of each byte, then the plain MSB-first
    CRC-8 with polynomial 0x07 (what the datasheet's LSB-first loop amounts to)."""
    crc = 0
    for b in data:
        r = 0
        for i in range(8):
            r |= ((b >> i) & 1) << (7 - i)
        crc ^= r
        for _ in range(8):
            crc = ((crc << 1) ^ 0x07) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc


class FakeChip:
    """A TMC2209 on one wire. Knobs: mute (echo, no replies), dead (no echo either),
    garble (replies left to corrupt), deaf (writes ignored), and the register file."""

    def __init__(self, node=0, ifcnt=0):
        self.node = node
        self.regs = {}
        for reg in REGISTERS:
            self.regs[reg] = REGISTERS[reg][2]
        self.regs[t.IFCNT] = ifcnt
        self.rx = bytearray()
        self.mute = False
        self.dead = False
        self.garble = 0
        self.deaf = False
        self.echo_xor = 0  # a line that mangles what it carries (short, wrong baud)
        self.writes = []

    def write(self, buf):
        data = bytes(buf)
        if self.dead:
            return len(data)
        self.rx.extend(bytes(b ^ self.echo_xor for b in data))  # single wire: heard too
        if len(data) < 4 or data[0] != 0x05 or data[1] != self.node:
            return len(data)
        if crc_reflected(data[:-1]) != data[-1]:
            return len(data)  # a datagram with a bad CRC is ignored, as the chip does
        reg = data[2] & 0x7F
        if reg not in REGISTERS:
            return len(data)
        access, mask, _ = REGISTERS[reg]
        if data[2] & 0x80 and len(data) == 8:
            if self.deaf or access == RO:
                return len(data)
            value = ((data[3] << 24) | (data[4] << 16) | (data[5] << 8) | data[6]) & mask
            self.regs[reg] = self.regs[reg] & ~value if access == W1C else value
            self.regs[t.IFCNT] = (self.regs[t.IFCNT] + 1) & 0xFF
            self.writes.append((reg, value))
        elif len(data) == 4 and not self.mute:
            value = 0 if access == WO else self.regs[reg]  # write-only reads as 0
            reply = bytearray((0x05, 0xFF, reg, (value >> 24) & 0xFF, (value >> 16) & 0xFF,
                               (value >> 8) & 0xFF, value & 0xFF, 0))
            reply[7] = crc_reflected(reply[:7])
            if self.garble:
                self.garble -= 1
                reply[7] ^= 0x01
            self.rx.extend(reply)
        return len(data)

    def read(self, n):
        if not self.rx:
            return None
        got = bytes(self.rx[:n])
        self.rx = self.rx[n:]
        return got


def refused(fn, *args):
    try:
        fn(*args)
    except Tmc2209Error as err:
        return err
    raise AssertionError("accepted, expected Tmc2209Error")


def configured(chip, microsteps=16, irun=16, ihold=8, sgthrs=40, node=0):
    Tmc2209(chip, node).configure(microsteps, irun, ihold, sgthrs)
    return chip


def test_crc_of_a_gconf_read_request_is_the_published_0x48():
    # 05 00 00 48: the read of GCONF at node 0, as published with other TMC2209 code.
    assert t.crc8(bytes((0x05, 0x00, 0x00)), 3) == 0x48


def test_crc_matches_an_independent_reflected_crc8_on_many_inputs():
    x = 12345
    for n in range(1, 12):
        for _ in range(40):
            data = bytearray(n)
            for i in range(n):
                x = (x * 1103515245 + 12345) & 0x7FFFFFFF
                data[i] = x >> 16 & 0xFF
            assert t.crc8(data, n) == crc_reflected(data), bytes(data)


def test_write_datagram_is_sync_node_register_or_0x80_data_msb_first_then_crc():
    buf = bytearray(8)
    t.write_datagram(buf, 3, t.CHOPCONF, 0x14000053)
    assert bytes(buf[:7]) == bytes((0x05, 3, 0xEC, 0x14, 0x00, 0x00, 0x53))
    assert buf[7] == crc_reflected(buf[:7])


def test_read_request_is_sync_node_register_crc():
    buf = bytearray(4)
    t.read_request(buf, 1, t.IFCNT)
    assert bytes(buf) == bytes((0x05, 1, 0x02, crc_reflected(bytes((0x05, 1, 0x02)))))


def test_a_reply_is_parsed_only_with_its_framing_and_crc():
    good = bytearray((0x05, 0xFF, t.IOIN, 0x21, 0, 0, 0x40, 0))
    good[7] = crc_reflected(good[:7])
    assert t.parse_reply(good, t.IOIN) == 0x21000040
    for i in range(8):
        bad = bytearray(good)
        bad[i] ^= 0x10
        refused(t.parse_reply, bad, t.IOIN)
    refused(t.parse_reply, good, t.GCONF)  # an answer for another register
    refused(t.parse_reply, good[:7], t.IOIN)
    refused(t.parse_reply, None, t.IOIN)


def test_mres_encodes_every_microstep_setting_and_refuses_the_rest():
    assert [t.mres(256 >> k) for k in range(9)] == list(range(9))
    for bad in (0, 3, 24, 512, -16, 16.0):
        try:
            t.mres(bad)
        except ValueError:
            continue
        raise AssertionError(bad)


def test_ihold_irun_packs_the_fields_and_refuses_out_of_range_currents():
    assert t.ihold_irun(16, 8) == (t.IHOLDDELAY << 16) | (16 << 8) | 8
    for irun, ihold in ((32, 8), (16, -1), (8, 16), (16.0, 8)):
        try:
            t.ihold_irun(irun, ihold)
        except ValueError:
            continue
        raise AssertionError((irun, ihold))


def test_configure_writes_the_rig_settings_into_the_chip():
    chip = configured(FakeChip(), microsteps=64, irun=20, ihold=10, sgthrs=55)
    regs = chip.regs
    assert regs[t.GCONF] & t.GCONF_PDN_DISABLE and regs[t.GCONF] & t.GCONF_MSTEP_REG_SELECT
    assert regs[t.GCONF] & t.GCONF_I_SCALE_ANALOG
    assert not regs[t.GCONF] & 0x4  # en_SpreadCycle off: StealthChop, StallGuard4 on DIAG
    assert (regs[t.CHOPCONF] >> 24) & 0xF == 2  # 64 microsteps
    assert regs[t.CHOPCONF] & 0xF == 3  # TOFF kept: 0 would disable the driver
    assert regs[t.IHOLD_IRUN] & 0x1F1F == (20 << 8) | 10
    assert regs[t.TCOOLTHRS] == 0xFFFFF and regs[t.SGTHRS] == 55 and regs[t.TPWMTHRS] == 0
    assert regs[t.GSTAT] == 0  # the reset flag was cleared


def test_configure_counts_writes_across_the_ifcnt_wrap():
    chip = configured(FakeChip(ifcnt=252))
    assert chip.regs[t.IFCNT] == (252 + len(chip.writes)) & 0xFF < 252


def test_a_chip_that_never_answers_is_refused():
    chip = FakeChip()
    chip.mute = True
    assert refused(configured, chip).reason == "no reply"
    assert chip.writes == []


def test_a_line_without_echo_is_refused():
    chip = FakeChip()
    chip.dead = True
    assert "echo" in refused(configured, chip).reason


def test_a_mangled_echo_is_refused_even_if_the_chip_answers():
    chip = FakeChip()
    chip.echo_xor = 0x20
    assert "echo" in refused(configured, chip).reason
    assert chip.writes == []


def test_replies_with_bad_crc_are_refused_after_the_retries():
    chip = FakeChip()
    chip.garble = 1000
    assert refused(configured, chip).reason == "reply crc"
    assert chip.writes == []


def test_one_garbled_reply_is_retried_and_the_setup_succeeds():
    chip = FakeChip()
    chip.garble = 2
    configured(chip)
    assert chip.garble == 0 and chip.regs[t.SGTHRS] == 40


def test_a_chip_that_ignores_writes_is_refused():
    chip = FakeChip()
    chip.deaf = True
    assert "accepted 0 of" in refused(configured, chip).reason


def test_a_chip_that_is_not_a_tmc2209_is_refused():
    chip = FakeChip()
    chip.regs[t.IOIN] = 0x20000000
    assert "version 32" in refused(configured, chip).reason


def test_a_chip_at_another_node_address_is_refused_and_found_at_its_own():
    chip = FakeChip(node=2)
    refused(configured, chip)
    configured(chip, node=2)
    assert chip.regs[t.SGTHRS] == 40


def test_a_driver_error_or_short_is_refused():
    chip = FakeChip()
    configured(chip)
    chip.regs[t.DRV_STATUS] |= 0x2  # overtemperature
    assert "DRV_STATUS" in refused(Tmc2209(chip).check).reason
    chip = FakeChip()
    configured(chip)
    chip.regs[t.GSTAT] = t.GSTAT_DRV_ERR  # latched again after the clear
    assert "GSTAT" in refused(Tmc2209(chip).check).reason


def test_a_register_that_does_not_read_back_is_refused():
    chip = FakeChip()
    REG = REGISTERS[t.CHOPCONF]
    REGISTERS[t.CHOPCONF] = (RW, 0x0FFFFFFF, REG[2])  # a chip that drops the top bits
    try:
        assert "did not read back" in refused(configured, chip).reason
    finally:
        REGISTERS[t.CHOPCONF] = REG


def test_bad_settings_raise_before_anything_is_written():
    for kwargs in ({"microsteps": 3}, {"irun": 40}, {"ihold": 20, "irun": 10},
                   {"sgthrs": 256}, {"sgthrs": -1}):
        chip = FakeChip()
        args = {"microsteps": 16, "irun": 16, "ihold": 8, "sgthrs": 40}
        args.update(kwargs)
        try:
            Tmc2209(chip).configure(args["microsteps"], args["irun"], args["ihold"],
                                    args["sgthrs"])
        except ValueError:
            assert chip.writes == [], kwargs
            continue
        raise AssertionError(kwargs)


def test_the_fake_chip_ignores_a_write_with_a_bad_crc():
    chip = FakeChip()
    buf = bytearray(8)
    t.write_datagram(buf, 0, t.SGTHRS, 99)
    buf[7] ^= 1
    chip.write(buf)
    assert chip.regs[t.SGTHRS] == 0 and chip.regs[t.IFCNT] == 0
