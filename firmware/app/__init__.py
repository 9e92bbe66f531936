"""The controller: boot, the control loop, the serial line reader, the battery monitor and
the simulated board's `sim` hooks. It wires a board (hal/) to the pump (pump/) and the
console (console/); it decides no dose itself."""
