-- The network each report came from (keyed hash of its /24 or /48 under the day's salt, like the
-- reporter key; never an address), and why a stored report was not counted: 'repeat' (its reporter
-- counted for the service in the last 15 minutes) or 'network_bound' (its network had added all the
-- reporters it may in the window). NULL for reports stored before networks were kept, and for counted
-- reports respectively.
ALTER TABLE reports ADD COLUMN network TEXT;
ALTER TABLE reports ADD COLUMN uncounted TEXT;
