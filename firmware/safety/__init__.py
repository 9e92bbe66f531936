"""The safety channel: the one path every motor step takes, drug or water.

    pump (drug) or calibration (water) -> safety.channel.SafetyChannel
        -> store.lease.LeaseMotor (drug steps bounded on flash first) -> the board's motor

`step_guard.py` counts the steps really issued in a rolling hour and 24 h and refuses a
batch past its limits; `limits.py` sets those limits from the prescription and the drug
table; `counts.py` writes the counts into the snapshot so a power cut cannot reset them.
Knows nothing of schedules, boluses or the dose ledger, so a bug there cannot blind it."""
