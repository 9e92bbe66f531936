"""Hardware behind small interfaces: `pico/` for the board, `sim/` for tests and the
virtual Pico. The pump logic receives these objects; it never builds them.

A board is one object with these parts (duck-typed; the Pico and the simulated board
both provide exactly these, and the controller in `app/` uses nothing else):

  board.clock.now_ms() -> int        monotonic ms since boot, never wraps, never goes back
  board.clock.sleep_ms(ms)           wait (the simulated clock may jump instead)
  board.motor.enable(on)             EN to its active level, or inactive (the safe state)
  board.motor.move(n) -> issued      issue n forward steps at the rig's step rate and
                                     return how many really left the driver (0..n)
  board.motor.fault() -> name|None   why the last move fell short, read once:
                                     "stall", "occlusion", "end_stop" (syringe empty)
  board.button.pressed(now_ms) -> bool   one deliberate press (held button_hold_ms, then
                                     released) completed since the last call
  board.button.held() -> bool        down now (debounced): the loop then samples it
                                     often, so a hold is timed to a fast pass
  board.indicators.show(priority, now_ms) buzzer and LED for the loudest active alarm
                                     (0 none, else pump.alarms LOW 1, HIGH 2, CRITICAL 3)
  board.battery.millivolts() -> int  supply voltage now
  board.watchdog.feed()              only from a control loop whose checks hold
  board.reset_cause() -> str         "power", "watchdog" or "reset": why it last started
  board.flash_dir -> str             folder that survives resets ("/" on a Pico)
  board.service_jumper() -> bool     the config's service pin held to GND through
                                     power-up (the physical act of issue 15); False
                                     where the config has no service pin

Every constructor leaves the motor driver disabled; a board that cannot be built leaves
EN at its inactive level and raises."""
