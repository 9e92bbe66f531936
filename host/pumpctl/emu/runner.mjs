// The emulated Pico: MicroPython's own RP2040 build running in rp2040js, with the three
// defects of rp2040js 1.4.1 that a pump firmware trips over fixed here, in our own loop.
//
// Talks to its parent (host/pumpctl/emu.py) in JSON lines: commands on stdin, events and
// replies on stdout. The parent bridges the USB CDC console to a pseudo-terminal.
//
// What is fixed here, and why (each has a test in tests/emu/test_runner_fixes.py that
// fails with the fix turned off by --no-fix=NAME):
//   flash  Its SSI is a stub, so the bootrom's flash_range_erase/program do nothing and
//          nothing persists. We perform them on mcu.flash at their ROM entry points.
//   uart   Its UART raises the TX interrupt on every check, so the firmware's UART IRQ
//          handler never returns (seen at TMC2209 set-up). TX is raised only by a write.
//   pio    Its PIO runs 1000 instructions per setTimeout(0), on the host's wall clock,
//          ignoring the clock divider. We step every enabled state machine from the
//          emulated clock, charging each instruction its 1 + delay cycles.
//   usb    Its CDC host answers every OUT poll at once, with zero bytes when it has
//          none, so an idle board spins on empty packets and never sleeps. A real host
//          only sends when it has data: an empty poll stays pending until it does.
import fs from 'fs';
import readline from 'readline';
import { Simulator, USBCDC, ConsoleLogger, LogLevel } from 'rp2040js';

const FLASH_BASE = 0x10000000;
const FS_OFFSET = 0xa0000; // RPI_PICO: LittleFS from 640 KiB to the end of 2 MiB
const FS_SIZE = 352 * 4096;
const ROM_ERASE = 0x237c; // B1 bootrom flash_range_erase ('RE'), Thumb bit cleared
const ROM_PROGRAM = 0x23c4; // B1 bootrom flash_range_program ('RP')
const CYCLE_NS = 8; // rp2040js runs the core at 125 MHz of emulated time
const WATCHDOG_REASON_TIMER = 1;
const CHIP_RESET_HAD_POR = 1 << 8;

// ---------- arguments ----------
const args = {};
for (const a of process.argv.slice(2)) {
  const m = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(a);
  if (!m) die('bad argument ' + a);
  args[m[1]] = m[2] === undefined ? true : m[2];
}
const noFix = new Set((args['no-fix'] || '').split(',').filter(Boolean));
const fixed = (name) => !noFix.has(name);
const watchPins = (args['record-rises'] || '').split(',').filter(Boolean).map(Number);
const logPins = (args['log-pins'] || '').split(',').filter(Boolean).map(Number);
const tmcMode = args.tmc || 'none'; // none | echo | chip
const tmcUart = Number(args['tmc-uart'] || 1);
let pace = args.pace || 'free'; // free: skip idle time at once; real: never ahead of the wall
// Input levels and ADC readings the harness set: the world outside the chip, so they
// outlive a reset of the chip.
const inputLevels = {};
for (const kv of (args.inputs || '').split(',').filter(Boolean)) {
  const [p, v] = kv.split(':').map(Number);
  inputLevels[p] = v;
}
const adcValues = {};
for (const kv of (args.adc || '').split(',').filter(Boolean)) {
  const [c, v] = kv.split(':').map(Number);
  adcValues[c] = v;
}

function die(msg) {
  process.stderr.write('runner: ' + msg + '\n');
  process.exit(2);
}
function send(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

// ---------- images ----------
function readWords(path) {
  const b = fs.readFileSync(path);
  return new Uint32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
}
function loadUf2(flash, path) {
  const uf2 = fs.readFileSync(path);
  let blocks = 0;
  for (let off = 0; off + 512 <= uf2.length; off += 512) {
    const b = uf2.subarray(off, off + 512);
    if (b.readUInt32LE(0) !== 0x0a324655 || b.readUInt32LE(4) !== 0x9e5d5157) die('not a UF2: ' + path);
    const addr = b.readUInt32LE(12);
    const n = b.readUInt32LE(16);
    if (addr < FLASH_BASE || n > 476) die('UF2 block outside flash: ' + path);
    flash.set(b.subarray(32, 32 + n), addr - FLASH_BASE);
    blocks++;
  }
  if (!blocks) die('empty UF2: ' + path);
}

const bootrom = readWords(args.bootrom || die('--bootrom missing'));
const uf2Path = args.uf2 || die('--uf2 missing');
const fsPath = args.fs || null; // the LittleFS region, read at power-up, written on save

// ---------- counters that outlive a reset (the harness's view, not the chip's) ----------
const stats = {
  erases: 0, eraseBytes: 0, programs: 0, programBytes: 0, resets: 0,
  instructions: 0, idleSkips: 0,
};
const pins = {}; // pin -> {level, rises, falls, times: [] (rise times, ns), log: [[ns, level]]}
for (const p of new Set([...watchPins, ...logPins])) pins[p] = { level: null, rises: 0, falls: 0, times: [], fallTimes: [], log: [] };
const tmc = { regs: {}, writes: [], reads: 0, ifcnt: 0, buf: [] };
const scheduled = []; // {at (ns), pin, value} | {afterPin, rises, pin, value}
let cutAt = null; // {programs, path}: a power cut in the middle of the Nth page program

// ---------- the machine ----------
let sim, mcu, core, clock, cdc;
let pioTime = -1; // while a state machine steps: its own time (ns), for pin timestamps
// Set when an input the test tied to a pin's edges (after_rises) changes while the PIO
// steps ahead of a sleeping core: the time of that edge. The idle jump ends there, so
// the core wakes to its interrupt at that time, not at the jump's end: it had run on
// to the next timer alarm with the PIO stepping all the way (a hard IRQ's EN off came up
// to a ms late, and STEP edges a real core would have frozen were made meanwhile).
let pioHaltAt = -1;
let machines = []; // enabled PIO state machines: {sm, pio, next (ns), parked (ns)}
let pioDue = Infinity; // the least `next` of them: the loop steps the PIO only from then
let pendingRead = null; // an OUT poll the host had nothing for
let hostBytes = [];
let wallStart = Date.now();
let emuAtWallStart = 0;
let stopped = false;
let scratch = new Uint32Array(8);

// Emulated time as the harness reports it: it runs on across a reset of the chip (whose
// own clock starts again at zero), so pin logs never go back.
let baseNs = 0;
function nowNs() {
  return baseNs + (pioTime >= 0 ? pioTime : clock.nanos);
}
function atNs() {
  return baseNs + clock.nanos;
}

function powerOn(flashImage, cause) {
  sim = new Simulator();
  mcu = sim.rp2040;
  core = mcu.core;
  clock = sim.clock;
  mcu.logger = new ConsoleLogger(args.verbose ? LogLevel.Warn : LogLevel.Error);
  mcu.loadBootrom(bootrom); // resets and wipes flash: images go in after it
  if (flashImage) {
    mcu.flash.set(flashImage);
  } else {
    loadUf2(mcu.flash, uf2Path);
    if (fsPath && fs.existsSync(fsPath)) {
      const img = fs.readFileSync(fsPath);
      if (img.length !== FS_SIZE) die('filesystem image must be ' + FS_SIZE + ' bytes: ' + fsPath);
      mcu.flash.set(img, FS_OFFSET);
    }
  }
  // Why the chip started: VREG_AND_CHIP_RESET.CHIP_RESET (offset 8) says power-on; the
  // watchdog's REASON and its scratch registers survive a watchdog reset, as on silicon.
  const chipReset = cause === 'power' ? CHIP_RESET_HAD_POR : 0;
  const vreg = mcu.peripherals[0x40064];
  vreg.readUint32 = (offset) => (offset === 8 ? chipReset : 0);
  vreg.writeUint32 = () => {};
  const wd = mcu.peripherals[0x40058];
  if (cause === 'power') scratch = new Uint32Array(8);
  wd.scratchData = scratch;
  wd.reason = cause === 'watchdog' ? watchdogReason || WATCHDOG_REASON_TIMER : 0;
  // rp2040js re-arms its watchdog alarm with no delay once it fires, so stop it here;
  // the reset itself happens in the loop, between instructions. The reason the chip
  // will read (TIMER, or FORCE for machine.reset()) is kept for the next boot.
  wd.onWatchdogTrigger = () => {
    resetPending = true;
    watchdogReason = wd.reason;
    wd.alarm.enable = false;
    wd.timer.enable = false;
  };
  for (const p of Object.keys(pins)) {
    const rec = pins[p];
    mcu.gpio[p].addListener((state) => onPin(Number(p), rec, state));
  }
  for (const [p, v] of Object.entries(inputLevels)) mcu.gpio[p].setInputValue(!!v);
  for (const [c, v] of Object.entries(adcValues)) mcu.adc.channelValues[c] = v;
  setupPio();
  if (fixed('uart')) fixUart();
  setupTmc();
  setupCdc();
  machines = [];
  pioDue = Infinity;
  pendingRead = null;
  if (args['trace-irq']) traceIrq();
  core.PC = FLASH_BASE;
}

// --trace-irq: every exception the core enters, as {ev: 'exc', n, ns, from, pm}: `from`
// the exception it preempts (0: thread), pm PRIMASK. For finding interrupt latency (it
// found the idle jump's, pioHaltAt); slows the runner.
function traceIrq() {
  const entry = core.exceptionEntry.bind(core);
  core.exceptionEntry = (n) => {
    send({ ev: 'exc', n, ns: atNs(), from: core.IPSR, pm: core.PM ? 1 : 0 });
    entry(n);
  };
}

let resetPending = false;
let watchdogReason = 0;

function onPin(p, rec, state) {
  let level;
  if (state === 0) level = 0; // GPIOPinState.Low
  else if (state === 1) level = 1; // High
  else return; // an input: its level is the test's, not the board's
  if (level === rec.level) return;
  const t = nowNs();
  if (level === 1 && rec.level === 0) {
    rec.rises++;
    if (watchPins.includes(p)) rec.times.push(t);
    for (let i = 0; i < scheduled.length; i++) {
      const s = scheduled[i];
      if (s.afterPin === p && rec.rises >= s.rises) {
        scheduled.splice(i--, 1);
        setInput(s.pin, s.value);
        if (pioTime >= 0) pioHaltAt = pioTime;
        send({ ev: 'fired', pin: s.pin, value: s.value, ns: t });
      }
    }
  } else if (level === 0 && rec.level === 1) {
    rec.falls++;
    if (watchPins.includes(p)) rec.fallTimes.push(t);
  }
  rec.level = level;
  if (logPins.includes(p)) rec.log.push([t, level]);
}

function setInput(pin, value) {
  inputLevels[pin] = value ? 1 : 0;
  mcu.gpio[pin].setInputValue(!!value);
}

// ---------- fix: flash writes ----------
function flashOp(pc) {
  const r = core.registers;
  const off = r[0] >>> 0;
  if (pc === ROM_ERASE) {
    const n = r[1] >>> 0;
    mcu.flash.fill(0xff, off, off + n);
    stats.erases += n / 4096;
    stats.eraseBytes += n;
  } else {
    const src = r[1] >>> 0;
    let n = r[2] >>> 0;
    stats.programs++;
    let cut = false;
    if (cutAt && stats.programs >= cutAt.programs) {
      n = n >> 1; // power lost half way through this page
      cut = true;
    }
    for (let i = 0; i < n; i++) mcu.flash[off + i] &= mcu.readUint8(src + i);
    stats.programBytes += n;
    if (cut) {
      powerCut(cutAt.path, cutAt.id);
      return;
    }
  }
  core.PC = core.LR & ~1;
}

// ---------- fix: UART TX interrupt ----------
const UARTTXINTR = 1 << 5;
function fixUart() {
  for (const u of mcu.uart) {
    u.checkInterrupts = function () {
      this.rp2040.setInterrupt(this.irq, !!(this.interruptStatus & this.interruptMask));
    };
    const write = u.writeUint32.bind(u);
    u.writeUint32 = function (offset, value) {
      write(offset, value);
      if (offset === 0) { // DR: the byte leaves at once, so the TX FIFO is below its level
        this.interruptStatus |= UARTTXINTR;
        this.checkInterrupts();
      }
    };
  }
}

// ---------- a TMC2209 on the UART's single wire ----------
function crc8(bytes) {
  let crc = 0;
  for (let byte of bytes) {
    for (let i = 0; i < 8; i++) {
      crc = ((crc >> 7) ^ (byte & 1)) & 1 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
      byte >>= 1;
    }
  }
  return crc;
}
const TMC_RESET = { 0x00: 0x41, 0x01: 0x01, 0x06: 0x21000000, 0x6c: 0x10000053, 0x6f: 0 };
function setupTmc() {
  if (tmcMode === 'none') return;
  if (!Object.keys(tmc.regs).length) Object.assign(tmc.regs, TMC_RESET);
  const u = mcu.uart[tmcUart];
  u.onByte = (b) => {
    u.feedByte(b); // the single wire: every byte sent comes back on RX
    if (tmcMode !== 'chip') return;
    tmc.buf.push(b);
    if ((tmc.buf[0] & 0x0f) !== 0x05) { tmc.buf = []; return; }
    if (tmc.buf.length === 4 && !(tmc.buf[2] & 0x80)) {
      const [, node, reg, crc] = tmc.buf;
      tmc.buf = [];
      if (node !== Number(args['tmc-node'] || 0) || crc !== crc8([5, node, reg])) return;
      tmc.reads++;
      const v = reg === 0x02 ? tmc.ifcnt : (tmc.regs[reg] || 0);
      const reply = [0x05, 0xff, reg, (v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
      reply.push(crc8(reply));
      for (const x of reply) u.feedByte(x);
    } else if (tmc.buf.length === 8) {
      const d = tmc.buf;
      tmc.buf = [];
      if (d[1] !== Number(args['tmc-node'] || 0) || d[7] !== crc8(d.slice(0, 7))) return;
      const reg = d[2] & 0x7f;
      const v = ((d[3] << 24) | (d[4] << 16) | (d[5] << 8) | d[6]) >>> 0;
      tmc.ifcnt = (tmc.ifcnt + 1) & 0xff;
      tmc.writes.push([reg, v]);
      tmc.regs[reg] = reg === 0x01 ? (tmc.regs[reg] & ~v) >>> 0 : v; // GSTAT: write 1 to clear
    }
  };
}

// ---------- fix: PIO on the emulated clock ----------
function setupPio() {
  for (const pio of mcu.pio) {
    if (!fixed('pio')) continue;
    pio.run = () => {}; // never on the wall clock: our loop steps it
    const write = pio.writeUint32.bind(pio);
    pio.writeUint32 = (offset, value) => {
      const before = offset === 0 ? pio.machines.map((m) => m.enabled) : null;
      write(offset, value);
      if (offset === 0) refreshMachines(before, pio);
      unpark(pio); // a word to its TX FIFO (or any register) may end a stall
    };
  }
}
function clkdiv(sm) {
  const d = sm.clockDivInt + sm.clockDivFrac / 256;
  return d === 0 ? 65536 : d;
}
function refreshMachines(before, pio) {
  const now = clock.nanos;
  pio.machines.forEach((sm, i) => {
    const known = machines.find((m) => m.sm === sm);
    if (sm.enabled && !known) machines.push({ sm, pio, next: now, parked: now });
    if (!sm.enabled && known) machines.splice(machines.indexOf(known), 1);
    if (sm.enabled && known && !before[i]) known.next = now;
  });
  dueAgain();
}
function dueAgain() {
  pioDue = Infinity;
  for (const m of machines) if (m.next < pioDue) pioDue = m.next;
}
// A machine stalled on a pull from an empty TX FIFO is parked (next = Infinity) until
// its PIO is written to, and then runs again from its first clock edge at or after now:
// the edge it would have re-tried the pull on. Stepping it every instruction to find it
// still stalled took a twentieth of the runner's time.
function unpark(pio) {
  const now = clock.nanos;
  let any = false;
  for (const m of machines) {
    if (m.pio !== pio || m.next !== Infinity) continue;
    const period = clkdiv(m.sm) * CYCLE_NS;
    let t = m.parked;
    if (t < now) t += Math.ceil((now - t) / period) * period;
    m.next = t;
    any = true;
  }
  if (any) dueAgain();
}
function stepPio(until) {
  pioHaltAt = -1;
  for (const m of machines) {
    if (m.next > until) continue; // its next instruction is later: the common case
    const sm = m.sm;
    const period = clkdiv(sm) * CYCLE_NS;
    if (sm.waiting && sm.waitType === 3 && sm.txFIFO.empty) { // stalled on an empty pull
      m.parked = m.next;
      m.next = Infinity;
      continue;
    }
    while (m.next <= until) {
      pioTime = m.next;
      const c0 = sm.cycles;
      sm.step();
      m.pio.checkChangedPins();
      const c = sm.cycles - c0;
      m.next += (c > 0 ? c : 1) * period;
      if (sm.waiting && sm.waitType === 3 && sm.txFIFO.empty) {
        m.parked = m.next;
        m.next = Infinity;
        break;
      }
      if (pioHaltAt >= 0) break;
    }
    pioTime = -1;
  }
  dueAgain();
  return pioHaltAt;
}

// ---------- fix: the USB host polls, and answers only when it has bytes ----------
function setupCdc() {
  cdc = new USBCDC(mcu.usbCtrl);
  cdc.onSerialData = (buf) => send({ ev: 'serial', hex: Buffer.from(buf).toString('hex'), ns: atNs() });
  cdc.onDeviceConnected = () => send({ ev: 'usb', ns: atNs() });
  const read = mcu.usbCtrl.onEndpointRead;
  mcu.usbCtrl.onEndpointRead = (ep, size) => {
    if (fixed('usb') && ep === cdc.outEndpoint && cdc.txFIFO.empty) {
      pendingRead = size;
      return;
    }
    read(ep, size);
  };
  cdc.completeRead = () => {
    if (pendingRead !== null && !cdc.txFIFO.empty) {
      const size = pendingRead;
      pendingRead = null;
      read(cdc.outEndpoint, size);
    }
  };
}
function feedHost() {
  while (hostBytes.length && !cdc.txFIFO.full) cdc.sendSerialByte(hostBytes.shift());
  if (cdc.outEndpoint >= 0) cdc.completeRead();
}

// ---------- the loop ----------
function nextEventNs() {
  let t = Infinity;
  for (const s of scheduled) if (s.at !== undefined && s.at < t) t = s.at;
  return t;
}
function fireTimed() {
  const now = clock.nanos;
  for (let i = 0; i < scheduled.length; i++) {
    const s = scheduled[i];
    if (s.at !== undefined && s.at <= now) {
      scheduled.splice(i--, 1);
      setInput(s.pin, s.value);
      send({ ev: 'fired', pin: s.pin, value: s.value, ns: baseNs + now });
    }
  }
}

let limitNs = Infinity; // `run` with a limit: stop there and say so
let idleWake = null;
function slice() {
  idleWake = null;
  if (stopped) return;
  const wallEnd = Date.now() + 20;
  let nextEv = nextEventNs();
  const pioFix = fixed('pio');
  const flashFix = fixed('flash');
  let n = 0;
  for (;;) {
    if (resetPending) {
      resetPending = false;
      reboot('watchdog');
      nextEv = nextEventNs();
    }
    if (++n >= 1024) { // every iteration counts, a `continue` too: none may spin unchecked
      n = 0;
      if (Date.now() > wallEnd) break;
      if (hostBytes.length) feedHost();
    }
    const now = clock.nanos;
    if (now >= limitNs) {
      send({ ev: 'limit', ns: baseNs + now });
      limitNs = Infinity;
      return; // resumed by the next `run`
    }
    if (now >= nextEv) {
      fireTimed();
      nextEv = nextEventNs();
    }
    if (core.waiting) {
      let d = clock.nanosToNextAlarm;
      let target = d > 0 ? now + d : Infinity;
      if (nextEv < target) target = nextEv;
      if (limitNs < target) target = limitNs;
      if (pace === 'real') {
        const wall = emuAtWallStart + (Date.now() - wallStart) * 1e6;
        if (target > wall) {
          if (now < wall) target = wall;
          else { idleWake = setTimeout(slice, 1); return; }
        }
      }
      if (target === Infinity) {
        if (hostBytes.length) { feedHost(); continue; }
        return; // asleep with nothing to wake it: the next host byte or command does
      }
      stats.idleSkips++;
      if (pioFix && target >= pioDue) {
        const halt = stepPio(target);
        if (halt >= 0) target = halt > now ? halt : now;
      }
      clock.tick(target - now);
    } else {
      // A burst of instructions, with only what each needs in between: the loop's own
      // checks (wall clock, host bytes, timed inputs, the limit, a reset) run between
      // bursts. A burst ends at a wait, at the next timed input or limit, at a reset
      // asked for, at a flash routine, or after 256 instructions. (One check per
      // instruction took a third of the runner's time.)
      const stop = nextEv < limitNs ? nextEv : limitNs;
      const regs = core.registers;
      let k = 0;
      let romPc = 0;
      for (;;) {
        const pc = regs[15];
        if (flashFix && (pc === ROM_ERASE || pc === ROM_PROGRAM)) {
          romPc = pc;
          break;
        }
        const c = core.executeInstruction();
        clock.tick(c * CYCLE_NS);
        if (pioFix && clock.nanosCounter >= pioDue) stepPio(clock.nanosCounter);
        if (++k === 256 || resetPending || core.waiting || clock.nanosCounter >= stop) break;
      }
      stats.instructions += k;
      n += k;
      if (romPc) {
        flashOp(romPc);
        if (stopped) return;
      }
      continue;
    }
  }
  setImmediate(slice);
}
function wake() {
  if (stopped) return;
  if (idleWake !== null) { clearTimeout(idleWake); idleWake = null; }
  setImmediate(slice);
}

function reboot(cause) {
  stats.resets++;
  const image = mcu.flash.slice();
  const ns = clock.nanos;
  const rises = {};
  for (const [p, r] of Object.entries(pins)) rises[p] = r.rises;
  powerOn(image, cause);
  // The new chip's clock starts at zero: keep the harness's times running on.
  baseNs += ns;
  for (const s of scheduled) if (s.at !== undefined) s.at = Math.max(0, s.at - ns);
  if (limitNs !== Infinity) limitNs = Math.max(0, limitNs - ns);
  emuAtWallStart -= ns;
  send({ ev: 'reset', cause, ns: baseNs, rises });
}

function saveFs(path) {
  fs.writeFileSync(path + '.tmp', mcu.flash.subarray(FS_OFFSET, FS_OFFSET + FS_SIZE));
  fs.renameSync(path + '.tmp', path);
}

function powerCut(path, id) {
  stopped = true;
  if (path) saveFs(path);
  const rises = {};
  for (const [p, r] of Object.entries(pins)) rises[p] = r.rises;
  send({ ev: 'cut', id, ns: atNs(), programs: stats.programs, rises });
  process.stdout.write('', () => process.exit(0));
}

function stateReply() {
  const out = {};
  for (const [p, r] of Object.entries(pins)) {
    out[p] = { level: r.level, rises: r.rises, falls: r.falls, log: r.log };
  }
  return {
    ns: atNs(), pins: out, flash: { erases: stats.erases, programs: stats.programs,
      erase_bytes: stats.eraseBytes, program_bytes: stats.programBytes },
    resets: stats.resets, instructions: stats.instructions, idle_skips: stats.idleSkips,
    tmc: { writes: tmc.writes, reads: tmc.reads, regs: tmc.regs },
    adc: Array.from(mcu.adc.channelValues),
  };
}

function command(msg) {
  const id = msg.id;
  switch (msg.op) {
    case 'serial':
      for (const b of Buffer.from(msg.hex, 'hex')) hostBytes.push(b);
      feedHost();
      break;
    case 'input': {
      const s = { pin: msg.pin, value: msg.value, id };
      if (msg.after) { s.afterPin = msg.after.pin; s.rises = msg.after.rises; scheduled.push(s); }
      else if (msg.delay_ns) { s.at = clock.nanos + msg.delay_ns; scheduled.push(s); }
      else setInput(msg.pin, msg.value);
      break;
    }
    case 'adc':
      adcValues[msg.ch] = msg.value;
      mcu.adc.channelValues[msg.ch] = msg.value;
      break;
    case 'state':
      send({ ev: 'reply', id, ...stateReply() });
      break;
    case 'rises': {
      const rec = pins[msg.pin] || { times: [], fallTimes: [] };
      const times = msg.edge === 'fall' ? rec.fallTimes : rec.times;
      const from = msg.from || 0;
      send({ ev: 'reply', id, from, times: times.slice(from, from + 100000) });
      break;
    }
    case 'run':
      limitNs = msg.until_ns === undefined ? clock.nanos + msg.for_ns : msg.until_ns - baseNs;
      break;
    case 'pace':
      pace = msg.mode;
      wallStart = Date.now();
      emuAtWallStart = clock.nanos;
      break;
    case 'save':
      saveFs(msg.path);
      send({ ev: 'reply', id });
      break;
    case 'cut':
      if (msg.after_programs !== undefined) {
        cutAt = { programs: stats.programs + msg.after_programs, path: msg.path, id };
      } else {
        powerCut(msg.path, id);
      }
      break;
    case 'quit': // power off: the flash keeps what it holds
      stopped = true;
      if (fsPath) saveFs(fsPath);
      process.stdout.write('', () => process.exit(0));
      return;
    default:
      send({ ev: 'error', id, msg: 'unknown op ' + msg.op });
  }
  wake();
}

powerOn(null, 'power');
// Every input starts at a defined level: rp2040js has no pull-ups, so an input nobody
// drives reads 0. The harness drives each input the board config names (emu.py).
const rl = readline.createInterface({ input: process.stdin });
rl.on('line', (line) => {
  let msg;
  try { msg = JSON.parse(line); } catch (e) { send({ ev: 'error', msg: 'bad json' }); return; }
  command(msg);
});
rl.on('close', () => { stopped = true; process.exit(0); });
send({ ev: 'up', ns: 0 });
setImmediate(slice);
