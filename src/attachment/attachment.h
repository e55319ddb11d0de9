#ifndef BH_ATTACHMENT_ATTACHMENT_H
#define BH_ATTACHMENT_ATTACHMENT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "audit/audit.h"
#include "base/err.h"
#include "base/uuid.h"
#include "db/db.h"
#include "principal/principal.h"

/* The attachment store (table attachment, migration 0023): files that belong to a record of
 * any kind (a bulletin's PDF, later the knowledge library's documents), kept in the store and
 * read under the owning record's visibility. The module knows no record kind: the owning
 * module checks who may attach (and does so in its own transaction), and reads pass the
 * record's kind (table and predicate, as api_record_kinds lists them).
 *
 * What is accepted is decided by the bytes, never by the client's word: PDF, PNG, JPEG, WebP
 * and GIF by their magic numbers, so a file served back with its stored type and nosniff is
 * what it says it is. A file named report.pdf whose bytes are a PNG is stored as image/png
 * under its name: the type is what the bytes are; the name is only what the user called it. */

/* The largest value attachment_max_bytes may take: the upload route's own body limit, so the
 * server refuses anything larger before reading a byte of it. */
#define ATTACHMENT_MAX_BYTES_CEILING ((size_t)64 * 1024 * 1024)

/* A stored filename's longest form, in bytes (cut on a character boundary). */
#define ATTACHMENT_FILENAME_MAX 200

/* The size limit (setting attachment_max_bytes, default 10 MB): set once at start by `serve`
 * (before any request), read by every upload. */
void attachment_set_max_bytes(size_t n);
size_t attachment_max_bytes(void);

/* The content type of `data` by its magic bytes ("application/pdf", "image/png",
 * "image/jpeg", "image/webp", "image/gif"), or NULL when it is none of them. Pure. */
const char *attachment_sniff(const void *data, size_t len);

/* A safe filename from what the client sent (`in` may be NULL): the last path segment only (a
 * name cannot place a file anywhere), control characters dropped, leading dots and spaces
 * dropped, at most ATTACHMENT_FILENAME_MAX bytes. Empty after that: "attachment" with the
 * extension of `content_type`. Text that is not UTF-8 is BH_EINVALID naming "filename".
 * `out` has room for ATTACHMENT_FILENAME_MAX + 1 bytes. Pure. */
int attachment_filename_clean(const char *in, const char *content_type,
                              char out[ATTACHMENT_FILENAME_MAX + 1], struct bh_error *err);

/* The Content-Disposition value for `filename` (a cleaned one): `attachment;
 * filename="ASCII"; filename*=UTF-8''PERCENT-ENCODED` (RFC 6266, RFC 8187), the ASCII form
 * with '_' for anything outside printable ASCII, '"' and '\'. A new heap string. Pure. */
char *attachment_content_disposition(const char *filename);

/* Stores `len` bytes of `data` for record (record_type, record_id) as `filename` (cleaned
 * here) by `who`. Refuses (BH_EINVALID naming "file") an empty file, (BH_ETOOLARGE naming
 * "file") one over attachment_max_bytes(), and (BH_EUNSUPPORTED naming "file") bytes of no
 * allowed type. Writes nothing else: the caller has checked the record and who may attach,
 * and holds the transaction. *out (may be NULL) gets the attachment as JSON
 * (attachment_row_json's shape), a new reference. */
int attachment_add(struct db *db, const struct principal *who, const char *record_type,
                   const char *record_id, const char *filename, const void *data, size_t len,
                   json_t **out, struct bh_error *err);

/* One stored attachment with its bytes (heap, freed by attachment_cleanup). */
struct attachment {
    char id[UUID_STR_LEN + 1];
    char filename[ATTACHMENT_FILENAME_MAX + 1];
    char content_type[32];
    char sha256[65]; /* hex */
    char created_at[40];
    char tlp[16]; /* the owning record's marking (column form), for an admin's audited read */
    int64_t size;
    void *data;
};

/* Reads attachment `id` of the record `record_id` of `kind` (its table and predicate) when
 * `who` may see that record; BH_ENOTFOUND (field "id") when there is no such attachment or
 * the record is hidden from `who` (a 404 either way, docs/sharing.md rule 3). */
int attachment_get(struct db *db, const struct principal *who, const struct audit_record_kind *kind,
                   const char *record_id, const char *id, struct attachment *out,
                   struct bh_error *err);
void attachment_cleanup(struct attachment *a);

/* The attachments of a record, oldest first, appended to `items` as JSON objects {id,
 * filename, content_type, size, sha256, created_at}. The caller has checked that the reader
 * may see the record. */
int attachment_list(struct db *db, const char *record_type, const char *record_id, json_t *items,
                    struct bh_error *err);

/* Deletes the attachments of a record (with the record, in the caller's transaction). */
int attachment_delete_all(struct db *db, const char *record_type, const char *record_id,
                          struct bh_error *err);

#endif
