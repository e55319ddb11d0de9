-- The reader's time zone (an IANA name such as "Asia/Shanghai"), in which the browser app and
-- the e-mail digest show instants; NULL: the browser's own zone (UTC in e-mails).
ALTER TABLE account ADD COLUMN time_zone TEXT NULL;
