-- Version 2: the evaluator's handle on a trial's running attempt, so that
-- a resumed study can stop what a dead controller left behind.
ALTER TABLE trials ADD COLUMN handle TEXT NOT NULL DEFAULT '';
