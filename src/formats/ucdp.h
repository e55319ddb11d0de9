#ifndef BH_FORMATS_UCDP_H
#define BH_FORMATS_UCDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/err.h"

/* UCDP's Georeferenced Event Dataset (GED) as published, in either of its two forms:
 *   GeoJSON: a FeatureCollection, one Point feature per event, the GED columns as properties
 *            and the point ([longitude, latitude]) as geometry;
 *   CSV:     the GED columns by name in the header (order free), latitude and longitude among
 *            them.
 * The reader turns each event into typed values and checks what the GED codebook defines
 * (integers, calendar dates, the codes 1-3 of type_of_violence, 1-5 of date_prec, 1-7 of
 * where_prec, coordinates on the globe). What the values mean for this store (the taxonomy,
 * the country table, dates in the future) is the event module's business. */

/* One event. Strings are borrowed until the callback returns; empty text reads as NULL. */
struct ucdp_event {
    const char *id;       /* GED `id`, digits */
    int type_of_violence; /* 1 state-based, 2 non-state, 3 one-sided */
    const char *side_a, *side_b;
    int where_prec; /* 0 when absent */
    const char *where_coordinates, *where_description, *adm_1, *adm_2, *country;
    int date_prec;           /* 0 when absent */
    char date_start[11];     /* YYYY-MM-DD (GED writes it with a time of midnight) */
    char date_end[11];       /* YYYY-MM-DD or "" */
    int64_t best, low, high; /* low/high: -1 when absent */
    const char *source_article;
    double latitude, longitude;
};

/* Where an event is in the file: the CSV line, or the GeoJSON feature's index (from 0). */
struct ucdp_where {
    long line;      /* 0 for GeoJSON */
    long feature;   /* -1 for CSV */
    const char *id; /* the event's id when the reader got that far, else NULL */
};

/* Called for every event. `ev` is NULL when the event could not be read; then `problem` says
 * why (err->field the column at fault, err->message the reason) and the callback decides
 * whether to go on (0) or stop (a negative code). */
typedef int (*ucdp_event_fn)(void *ctx, const struct ucdp_event *ev, const struct ucdp_where *at,
                             const struct bh_error *problem, struct bh_error *err);

/* "geojson" or "csv": which form was read. */
struct ucdp_read_info {
    const char *format;
    long events; /* features or data rows seen */
};

/* Reads `f` to its end, recognizing the form by its first byte ('{' or '[' is JSON). Returns 0,
 * the callback's code, or BH_EINVALID when the file is not a GED file at all (not JSON, not a
 * FeatureCollection, a CSV header without the columns the import needs), naming the line or
 * the member at fault, or BH_EIO. */
int ucdp_read_file(FILE *f, ucdp_event_fn fn, void *ctx, struct ucdp_read_info *info,
                   struct bh_error *err);

/* The same over `len` bytes at `data`. */
int ucdp_read_mem(const char *data, size_t len, ucdp_event_fn fn, void *ctx,
                  struct ucdp_read_info *info, struct bh_error *err);

#endif
