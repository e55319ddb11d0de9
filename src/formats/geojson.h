#ifndef BH_FORMATS_GEOJSON_H
#define BH_FORMATS_GEOJSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "base/err.h"

/* A streaming reader of a GeoJSON FeatureCollection (RFC 7946):
 *   { "type": "FeatureCollection", "features": [ feature, ... ], other members }
 * read feature by feature, so memory stays bounded by the largest feature (at most
 * GEOJSON_FEATURE_MAX bytes of text), whatever the file's size. Each feature's text is parsed by
 * jansson (duplicate keys refused) and handed to a callback with its index and the line it
 * starts on; what a feature must hold is the caller's business. Members other than "type" and
 * "features" are skipped; they may come in any order. A UTF-8 byte order mark at the start
 * and white space between values are allowed. */

/* One feature larger than this is no point and its properties. */
#define GEOJSON_FEATURE_MAX (16u << 20)

/* Called for every feature, with its parsed value (borrowed until the callback returns; an
 * array as well as an object), its index (from 0) and the line its text starts on.
 * Returns 0 to go on; a negative code stops the read and becomes its result. A feature that is
 * no object or array reaches it only with the option `scalars`. */
typedef int (*geojson_feature_fn)(void *ctx, json_t *feature, long index, long line,
                                  struct bh_error *err);

/* Called every 4096 features with the bytes consumed so far and the features read. */
typedef void (*geojson_progress_fn)(void *ctx, uint64_t bytes_done, long features);

/* What made the file as a whole unreadable. */
enum geojson_fault_kind {
    GEOJSON_NOT_OBJECT,     /* the text is not a JSON object */
    GEOJSON_NOT_COLLECTION, /* its "type" is not "FeatureCollection", or it has none */
    GEOJSON_NO_FEATURES,    /* its "features" is missing or not a list */
    GEOJSON_SYNTAX,         /* broken JSON, a value over the limit, text after the object */
};

struct geojson_fault {
    enum geojson_fault_kind kind;
    long line, column;  /* where the text is at fault (1-based); 0 when it is no one place */
    long feature;       /* the feature at fault, -1 when none */
    const char *detail; /* SYNTAX: what is wrong (jansson's words inside a feature);
                         * NOT_COLLECTION: the "type" as written, NULL when there is none */
};

/* Called, when set, for a fault of the whole file after `err` got the reader's own message (a
 * sentence naming the line, field "file"): an importer with wording of its own rewrites it.
 * Returns the code the read ends with. */
typedef int (*geojson_fault_fn)(void *ctx, const struct geojson_fault *fault, struct bh_error *err);

struct geojson_reader_opts {
    geojson_feature_fn on_feature;
    geojson_progress_fn on_progress; /* may be NULL */
    geojson_fault_fn on_fault;       /* may be NULL */
    void *ctx;
    long first_line; /* the line the input starts on (when a caller read some already); 0 is 1 */
    bool scalars;    /* hand over a feature that is a string, number, true, false or null
                      * (the callback refuses it on its own); false: it is broken JSON, like
                      * jansson without JSON_DECODE_ANY says */
};

/* Reads `f` to its end. Returns 0, a callback's code, BH_EINVALID for a file that is not a
 * FeatureCollection (`err` names the line; field "file") or BH_EIO. */
int geojson_read_file(FILE *f, const struct geojson_reader_opts *opts, struct bh_error *err);

/* The same over `len` bytes at `data` (a request body). */
int geojson_read_mem(const char *data, size_t len, const struct geojson_reader_opts *opts,
                     struct bh_error *err);

#endif
