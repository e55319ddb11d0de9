-- The map layers' R*Trees take time as their third dimension (julianday of occurred_at), so a
-- map view (a box and a time window) is found in one index: the densest 1x1 degree cell of
-- a million demo incidents holds 56,668 incidents over the years but 1,127 in a 90-day
-- window, and the two-dimensional tree handed over all 56,668 to be tested one by one. The
-- R*Tree keeps 32-bit floats rounded outwards (a quarter of a day near today's julian
-- days), so it is a prefilter: spatial/query.c still tests occurred_at exactly.

DROP TRIGGER incident_rtree_insert;
DROP TRIGGER incident_rtree_update;
DROP TRIGGER incident_rtree_delete;
DROP TABLE incident_rtree;

CREATE VIRTUAL TABLE incident_rtree USING rtree (n, min_lon, max_lon, min_lat, max_lat,
                                                  min_t, max_t);
INSERT INTO incident_rtree
    SELECT n, longitude, longitude, latitude, latitude, julianday(occurred_at),
           julianday(occurred_at)
    FROM incident;

CREATE TRIGGER incident_rtree_insert AFTER INSERT ON incident BEGIN
    INSERT INTO incident_rtree VALUES (new.n, new.longitude, new.longitude,
                                       new.latitude, new.latitude,
                                       julianday(new.occurred_at), julianday(new.occurred_at));
END;
CREATE TRIGGER incident_rtree_update AFTER UPDATE OF latitude, longitude, occurred_at
    ON incident BEGIN
    UPDATE incident_rtree SET min_lon = new.longitude, max_lon = new.longitude,
        min_lat = new.latitude, max_lat = new.latitude,
        min_t = julianday(new.occurred_at), max_t = julianday(new.occurred_at)
        WHERE n = new.n;
END;
CREATE TRIGGER incident_rtree_delete AFTER DELETE ON incident BEGIN
    DELETE FROM incident_rtree WHERE n = old.n;
END;

DROP TRIGGER context_event_rtree_insert;
DROP TRIGGER context_event_rtree_update;
DROP TRIGGER context_event_rtree_delete;
DROP TABLE context_event_rtree;

CREATE VIRTUAL TABLE context_event_rtree USING rtree (n, min_lon, max_lon, min_lat, max_lat,
                                                       min_t, max_t);
INSERT INTO context_event_rtree
    SELECT n, longitude, longitude, latitude, latitude, julianday(occurred_at),
           julianday(occurred_at)
    FROM context_event;

CREATE TRIGGER context_event_rtree_insert AFTER INSERT ON context_event BEGIN
    INSERT INTO context_event_rtree VALUES (new.n, new.longitude, new.longitude,
                                            new.latitude, new.latitude,
                                            julianday(new.occurred_at),
                                            julianday(new.occurred_at));
END;
CREATE TRIGGER context_event_rtree_update AFTER UPDATE OF latitude, longitude, occurred_at
    ON context_event BEGIN
    UPDATE context_event_rtree SET min_lon = new.longitude, max_lon = new.longitude,
        min_lat = new.latitude, max_lat = new.latitude,
        min_t = julianday(new.occurred_at), max_t = julianday(new.occurred_at)
        WHERE n = new.n;
END;
CREATE TRIGGER context_event_rtree_delete AFTER DELETE ON context_event BEGIN
    DELETE FROM context_event_rtree WHERE n = old.n;
END;
