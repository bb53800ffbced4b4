-- Which signal kinds exist is decided by the registered SignalKinds (Core/Signals), so that adding a
-- kind is one file and no migration. The store keeps a check on the name's shape only.
ALTER TABLE bank_entries DROP CONSTRAINT bank_entries_signal_type_check;
ALTER TABLE bank_entries ADD CONSTRAINT bank_entries_signal_type_check
    CHECK (signal_type ~ '^[a-z][a-z0-9_]{0,31}$');
