-- New signal types: url, text, and vpdq / video_md5 for video.
ALTER TABLE bank_entries DROP CONSTRAINT bank_entries_signal_type_check;
ALTER TABLE bank_entries ADD CONSTRAINT bank_entries_signal_type_check
    CHECK (signal_type IN ('pdq', 'md5', 'sha256', 'url', 'text', 'vpdq', 'video_md5'));
