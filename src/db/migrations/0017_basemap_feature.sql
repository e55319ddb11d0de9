-- OpenStreetMap detail for a mission area, imported from a regional extract
-- (`bluehelm import basemap FILE.osm.pbf`, src/basemap/osm.c) for field sites without internet:
-- roads and tracks as lines, named places as points, drawn over the offline base map from
-- zoom 10 up.
--
-- One extent per imported file, named by the file's base name: importing a file of the same
-- name again replaces the extent and all its features in one transaction.
CREATE TABLE basemap_extent (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,   -- the file's base name, "monaco.osm.pbf"
    west        REAL NOT NULL,          -- the file's bounding box (its header's, else its data's)
    south       REAL NOT NULL,
    east        REAL NOT NULL,
    north       REAL NOT NULL,
    imported_at TEXT NOT NULL,          -- UTC, ISO 8601
    roads       INTEGER NOT NULL,       -- features stored, by kind
    places      INTEGER NOT NULL,
    source_sha256 TEXT NOT NULL         -- of the file's bytes, to tell two files of one name apart
);

-- A road, track or path (LineString) or a named place (Point). `geometry` is the JSON text of
-- the coordinates ([lon,lat] or [[lon,lat],...], 7 decimals), served as it is stored. The box
-- and minzoom are plain columns so the tile query is portable SQL: a tile asks for the
-- features whose box meets its own and whose minzoom is at most its zoom.
CREATE TABLE basemap_feature (
    id        INTEGER PRIMARY KEY,
    extent_id INTEGER NOT NULL REFERENCES basemap_extent (id) ON DELETE CASCADE,
    osm_id    INTEGER NOT NULL,         -- the way's or node's id in OpenStreetMap
    layer     TEXT NOT NULL,            -- road_major, road_secondary, road_minor, track, path, place
    kind      TEXT NOT NULL,            -- the highway=* or place=* value
    name      TEXT,
    name_fr   TEXT,
    name_en   TEXT,
    minzoom   INTEGER NOT NULL,
    minx      REAL NOT NULL,
    miny      REAL NOT NULL,
    maxx      REAL NOT NULL,
    maxy      REAL NOT NULL,
    geometry  TEXT NOT NULL
);

-- The tile query: a range on miny (and maxy, minx, maxx, minzoom tested in the index, without
-- reading the table) for the features of one tile.
CREATE INDEX basemap_feature_box ON basemap_feature (miny, maxy, minx, maxx, minzoom);
CREATE INDEX basemap_feature_extent ON basemap_feature (extent_id);
