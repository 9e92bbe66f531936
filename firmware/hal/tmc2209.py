"""TMC2209 stepper driver over its single-wire UART (PDN_UART): datagrams, their CRC8, and
a driver that configures the chip and then proves, by reading back, that it listened.
Pure: it talks to any object with write(buf) and read(n) (machine.UART on the Pico).

Hazards first:
- A chip that does not answer, answers with a bad CRC or the wrong version, does not
  count our writes, or reports a driver error is refused: Tmc2209Error is raised and the
  caller keeps EN inactive. Nothing here touches EN.
- Write-only registers (IHOLD_IRUN, TPOWERDOWN, TPWMTHRS, TCOOLTHRS, SGTHRS) cannot be
  read back; IFCNT, which counts every write datagram the chip accepted, proves they
  arrived. GCONF and CHOPCONF are also read back and compared.
- The VREF potentiometer stays the current ceiling (I_scale_analog = 1): IRUN and IHOLD
  only scale down what the pot allows, so a wrong value here cannot overdrive the motor.
- Single wire: every byte sent also arrives on RX (the echo). It must match what was
  sent, or the line is faulty; it is then discarded.

Datagrams (Trinamic TMC2209 datasheet rev 1.09, section 4.1), bytes in wire order:
  write:        0x05, node, reg | 0x80, data[31:24], [23:16], [15:8], [7:0], CRC
  read request: 0x05, node, reg, CRC
  read reply:   0x05, 0xFF, reg, data[31:24], [23:16], [15:8], [7:0], CRC
CRC8: polynomial x^8 + x^2 + x + 1 (0x07), initial 0, each byte fed LSB first (4.2).
"""
from micropython import const

SYNC = const(0x05)  # 1010 sync nibble, LSB first, then 4 reserved bits
MASTER = const(0xFF)  # the address in every reply
WRITE = const(0x80)

# Registers (datasheet 5): address, and what we use of them.
GCONF = const(0x00)
GSTAT = const(0x01)  # reset, drv_err, uv_cp; write 1 to clear
IFCNT = const(0x02)  # write datagrams accepted, modulo 256
IOIN = const(0x06)  # bits 31..24: VERSION
IHOLD_IRUN = const(0x10)
TPOWERDOWN = const(0x11)
TPWMTHRS = const(0x13)
TCOOLTHRS = const(0x14)
SGTHRS = const(0x40)
SG_RESULT = const(0x41)
CHOPCONF = const(0x6C)
DRV_STATUS = const(0x6F)

VERSION = const(0x21)  # IOIN[31:24] of every TMC2209
# GCONF: I_scale_analog (VREF is the ceiling), pdn_disable (PDN_UART is UART, not
# standstill power-down), mstep_reg_select (microsteps from MRES, not MS1/MS2, which
# set the node address), multistep_filt (the reset default). en_SpreadCycle = 0:
# StealthChop, the mode in which StallGuard4 drives DIAG.
GCONF_I_SCALE_ANALOG = const(1 << 0)
GCONF_PDN_DISABLE = const(1 << 6)
GCONF_MSTEP_REG_SELECT = const(1 << 7)
GCONF_MULTISTEP_FILT = const(1 << 8)
GCONF_VALUE = const(0x1C1)  # the four bits above
# CHOPCONF reset default 0x10000053 (intpol, TOFF 3, HSTRT 5), with MRES in bits 27..24.
CHOPCONF_BASE = const(0x10000053)
MRES_SHIFT = const(24)
GSTAT_DRV_ERR = const(1 << 1)
GSTAT_UV_CP = const(1 << 2)
DRV_STATUS_FAULTS = const(0x3E)  # ot, s2ga, s2gb, s2vsa, s2vsb (bits 1..5)
TCOOLTHRS_ALL_SPEEDS = const(0xFFFFF)  # StallGuard on DIAG down to ~11 steps/s
TPOWERDOWN_DEFAULT = const(20)  # ~0.4 s standstill before IHOLD
IHOLDDELAY = const(10)  # ramp from IRUN down to IHOLD in ~10 x 2^18 clocks
CURRENT_MAX = const(31)

_ATTEMPTS = const(3)  # a datagram garbled by noise is retried; a dead chip fails 3 times


class Tmc2209Error(OSError):
    """The chip did not answer or did not do what it was told; `reason` says which."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def crc8(data, n):
    """CRC of data[0:n] as the datasheet computes it (section 4.2)."""
    crc = 0
    for i in range(n):
        byte = data[i]
        for _ in range(8):
            if ((crc >> 7) ^ (byte & 1)) & 1:
                crc = ((crc << 1) ^ 0x07) & 0xFF
            else:
                crc = (crc << 1) & 0xFF
            byte >>= 1
    return crc


def write_datagram(buf, node, register, value):
    """Fill buf[0:8] with a write of `value` to `register` of chip `node` (0..3)."""
    buf[0] = SYNC
    buf[1] = node
    buf[2] = register | WRITE
    buf[3] = (value >> 24) & 0xFF
    buf[4] = (value >> 16) & 0xFF
    buf[5] = (value >> 8) & 0xFF
    buf[6] = value & 0xFF
    buf[7] = crc8(buf, 7)


def read_request(buf, node, register):
    """Fill buf[0:4] with a read request for `register` of chip `node`."""
    buf[0] = SYNC
    buf[1] = node
    buf[2] = register
    buf[3] = crc8(buf, 3)


def parse_reply(buf, register):
    """The 32-bit value of an 8-byte reply to a read of `register`; raises Tmc2209Error
    if the reply is short, for another register, or fails its CRC."""
    if buf is None or len(buf) != 8:
        raise Tmc2209Error("no reply")
    if buf[0] & 0x0F != SYNC or buf[1] != MASTER or buf[2] != register:
        raise Tmc2209Error("reply framing")
    if crc8(buf, 7) != buf[7]:
        raise Tmc2209Error("reply crc")
    return (buf[3] << 24) | (buf[4] << 16) | (buf[5] << 8) | buf[6]


def mres(microsteps):
    """CHOPCONF.MRES for 1..256 microsteps (powers of two): 256 -> 0 .. 1 -> 8."""
    for code in range(9):
        if type(microsteps) is int and microsteps == 256 >> code:
            return code
    raise ValueError("microsteps must be a power of two in 1..256")


def ihold_irun(irun, ihold):
    """IHOLD_IRUN for currents in 32ths of the VREF ceiling (0..31), hold <= run."""
    for v in (irun, ihold):
        if type(v) is not int or v < 0 or v > CURRENT_MAX:
            raise ValueError("current must be 0..31")
    if ihold > irun:
        raise ValueError("hold current above run current")
    return (IHOLDDELAY << 16) | (irun << 8) | ihold


class Tmc2209:
    """One chip on a single-wire UART. Buffers are made once here and reused."""

    def __init__(self, uart, node=0):
        if type(node) is not int or node < 0 or node > 3:
            raise ValueError("node must be 0..3")
        self._uart = uart
        self._node = node
        self._req = bytearray(4)
        self._wr = bytearray(8)

    def _exchange(self, out, reply_len):
        """Send `out`, check its echo, return the next reply_len bytes (or None)."""
        self._uart.write(out)
        got = self._uart.read(len(out) + reply_len)
        if got is None or len(got) < len(out) or got[:len(out)] != out:
            self._uart.read(64)  # drop whatever is left, so the retry starts clean
            raise Tmc2209Error("no echo: check PDN_UART wiring")
        return got[len(out):]

    def read(self, register):
        read_request(self._req, self._node, register)
        for _ in range(_ATTEMPTS - 1):
            try:
                return parse_reply(self._exchange(self._req, 8), register)
            except Tmc2209Error:  # noise: retry; a dead chip fails here every time
                pass
        return parse_reply(self._exchange(self._req, 8), register)  # the last one raises

    def write(self, register, value):
        write_datagram(self._wr, self._node, register, value)
        for _ in range(_ATTEMPTS - 1):
            try:
                self._exchange(self._wr, 0)
                return
            except Tmc2209Error:  # as in read(): only the last attempt's error counts
                pass
        self._exchange(self._wr, 0)

    def configure(self, microsteps, irun, ihold, sgthrs):
        """Set up the chip for this rig and verify; raises Tmc2209Error or ValueError."""
        chop = CHOPCONF_BASE | (mres(microsteps) << MRES_SHIFT)
        current = ihold_irun(irun, ihold)
        if type(sgthrs) is not int or sgthrs < 0 or sgthrs > 255:
            raise ValueError("sgthrs must be 0..255")
        version = self.read(IOIN) >> 24
        if version != VERSION:
            raise Tmc2209Error("version " + str(version) + ", not a TMC2209")
        before = self.read(IFCNT) & 0xFF
        writes = ((GCONF, GCONF_VALUE), (CHOPCONF, chop), (IHOLD_IRUN, current),
                  (TPOWERDOWN, TPOWERDOWN_DEFAULT), (TPWMTHRS, 0),
                  (TCOOLTHRS, TCOOLTHRS_ALL_SPEEDS), (SGTHRS, sgthrs),
                  (GSTAT, GSTAT_DRV_ERR | GSTAT_UV_CP | 1))
        for register, value in writes:
            self.write(register, value)
        counted = (self.read(IFCNT) - before) & 0xFF
        if counted != len(writes):
            raise Tmc2209Error("chip accepted " + str(counted) + " of "
                               + str(len(writes)) + " writes")
        for register, value in ((GCONF, GCONF_VALUE), (CHOPCONF, chop)):
            if self.read(register) != value:
                raise Tmc2209Error("register " + str(register) + " did not read back")
        self.check()

    def check(self):
        """Raise Tmc2209Error if the chip reports a driver error now."""
        if self.read(GSTAT) & (GSTAT_DRV_ERR | GSTAT_UV_CP):
            raise Tmc2209Error("GSTAT: driver error or charge pump undervoltage")
        if self.read(DRV_STATUS) & DRV_STATUS_FAULTS:
            raise Tmc2209Error("DRV_STATUS: overtemperature or short")
