-- Why an outage ended when the monitor did not find it over: 'unlisted' when the service was removed
-- from the catalog while the outage was open (downtally stopped following it; it was closed then, not
-- found recovered). NULL for every outage the detector resolved. Additive: older nodes ignore it.
ALTER TABLE outages ADD COLUMN closed_by TEXT;
