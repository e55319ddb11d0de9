/* `bluehelm import library DIR`: an organization's archive of lessons, kept as Markdown files
 * with front matter, loaded into the library all or nothing (docs/library.md).
 *
 * Who acts: the command-line operator, on behalf of the owning organization. The documents are
 * written as principal_server(org) (admin rights, no account), so they are owned by that
 * organization and audited as the server's. A file whose status is "published" is published
 * at once: an import is the organization's own archive of what it already released, so the
 * review by another organization that the workflow asks of new writing (library_publish's
 * rule, from which an admin is excepted) does not apply. An import never withdraws: a
 * published document stays published whatever the file says. */
#include "library/library.h"

#include "base/buf.h"
#include "base/mem.h"
#include "sharing/sharing.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* The text members a file may leave out: an update writes them empty, so that deleting a line
 * of the file deletes the field. */
static const char *const text_members[] = { "summary",       "context",
                                            "what_happened", "what_worked",
                                            "what_did_not",  "recommendations",
                                            "body",          NULL };

/* ---- the create or update body a file gives ---- */

static bool tlp_is(const json_t *body, enum tlp t)
{
    int v = tlp_parse(json_string_value(json_object_get(body, "tlp")));
    return v == (int)t;
}

/* The body for library_create/library_update: the file's members without "key" and
 * "status", the options' marking where the file gives none, and a version note. With
 * `whole`, every member the file leaves out is written empty (an update replaces the
 * document with the file). */
static json_t *import_body(const json_t *parsed, const struct library_import_options *opt,
                           const char *note, bool whole, const json_t *stored)
{
    json_t *body = json_deep_copy(parsed);
    json_object_del(body, "key");
    json_object_del(body, "status");
    if (!json_object_get(body, "tlp"))
        json_object_set_new(body, "tlp", json_string(opt->tlp ? opt->tlp : "AMBER+STRICT"));
    if (tlp_is(body, TLP_AMBER) && !json_object_get(body, "sharing_group") && opt->group > 0)
        json_object_set_new(body, "sharing_group", json_integer(opt->group));
    if (!json_object_get(body, "note") && note)
        json_object_set_new(body, "note", json_string(note));
    if (!whole)
        return body;
    for (size_t i = 0; text_members[i]; i++)
        if (!json_object_get(body, text_members[i]))
            json_object_set_new(body, text_members[i], json_string(""));
    if (!json_object_get(body, "language"))
        json_object_set_new(body, "language", json_string("en"));
    if (!json_object_get(body, "tags"))
        json_object_set_new(body, "tags", json_object());
    if (!json_object_get(body, "links"))
        json_object_set_new(body, "links", json_array());
    if (!json_object_get(body, "occurred_on") && stored &&
        !json_is_null(json_object_get(stored, "occurred_on")))
        json_object_set_new(body, "occurred_on", json_null());
    return body;
}

/* ---- whether a stored document already says what the file says ---- */

static bool same_string_set(const json_t *a, const json_t *b)
{
    if (!json_is_array(a) || !json_is_array(b) || json_array_size(a) != json_array_size(b))
        return json_array_size(a) == 0 && json_array_size(b) == 0;
    size_t i, j;
    json_t *x, *y;
    json_array_foreach(a, i, x)
    {
        bool found = false;
        json_array_foreach(b, j, y) found = found || json_equal(x, y);
        if (!found)
            return false;
    }
    return true;
}

static bool same_links(const json_t *file, const json_t *stored)
{
    if (json_array_size(file) != json_array_size(stored))
        return false;
    for (size_t i = 0; i < json_array_size(file); i++) {
        const json_t *f = json_array_get(file, i), *s = json_array_get(stored, i);
        if (!json_equal(json_object_get(f, "type"), json_object_get(s, "type")) ||
            !json_equal(json_object_get(f, "id"), json_object_get(s, "id")))
            return false;
    }
    return true;
}

static bool same_tags(struct db *db, const json_t *file_tags, const json_t *stored)
{
    json_t *empty = json_object(), *norm = NULL;
    struct bh_error err;
    int rc = library_tags_read(db, file_tags ? file_tags : empty, &norm, &err);
    json_decref(empty);
    if (rc)
        return false; /* the update will say what is wrong */
    bool same = true;
    const char *facet;
    json_t *values;
    json_object_foreach(norm, facet, values) same =
        same && same_string_set(values, json_object_get(stored, facet));
    json_object_foreach((json_t *)stored, facet, values) same =
        same && same_string_set(values, json_object_get(norm, facet));
    json_decref(norm);
    return same;
}

/* Whether `body` (import_body's whole form) would change document `stored` (library_get's). */
static bool import_changes(struct db *db, const json_t *body, const json_t *stored)
{
    static const char *const scalars[] = {
        "kind",        "title",        "summary",         "context", "what_happened",
        "what_worked", "what_did_not", "recommendations", "body",    "language",
        NULL
    };
    for (size_t i = 0; scalars[i]; i++)
        if (!json_equal(json_object_get(body, scalars[i]), json_object_get(stored, scalars[i])))
            return true;
    const json_t *on = json_object_get(body, "occurred_on");
    const json_t *stored_on = json_object_get(stored, "occurred_on");
    if (!(on ? json_equal(on, stored_on) : (!stored_on || json_is_null(stored_on))))
        return true;
    int tlp = tlp_parse(json_string_value(json_object_get(body, "tlp")));
    if (tlp != tlp_parse(json_string_value(json_object_get(stored, "tlp"))))
        return true;
    if (tlp == TLP_AMBER && json_integer_value(json_object_get(body, "sharing_group")) !=
                                json_integer_value(json_object_get(stored, "sharing_group")))
        return true;
    if (tlp == TLP_RED && !same_string_set(json_object_get(body, "recipients"),
                                           json_object_get(stored, "recipients")))
        return true;
    if (!same_links(json_object_get(body, "links"), json_object_get(stored, "links")))
        return true;
    return !same_tags(db, json_object_get(body, "tags"), json_object_get(stored, "tags"));
}

/* ---- one file ---- */

/* Publishes document `id` now, from draft or in review (see the top of the file). */
static int import_publish(struct db *db, const struct principal *who, const char *id,
                          const char *status, struct bh_error *err)
{
    json_t *doc = NULL;
    int rc = 0;
    if (strcmp(status, "draft") == 0) {
        rc = library_submit(db, who, id, &doc, err);
        json_decref(doc);
        doc = NULL;
    }
    if (!rc)
        rc = library_publish(db, who, id, &doc, err);
    json_decref(doc);
    return rc;
}

int library_import_one(struct db *db, int64_t org_id, const char *org_code, const char *key,
                       const json_t *parsed, const struct library_import_options *opt,
                       const char *note, int *outcome, struct bh_error *err)
{
    *outcome = LIBRARY_IMPORT_UNCHANGED;
    const char *status = json_string_value(json_object_get(parsed, "status"));
    if (!status)
        status = opt->status ? opt->status : "draft";
    if (strcmp(status, "draft") != 0 && strcmp(status, "published") != 0)
        return bh_fail(err, BH_EINVALID, "status", "'%s' is not draft or published", status);
    bool publish = strcmp(status, "published") == 0;
    struct principal who;
    principal_server(&who, org_id, org_code);

    struct db_stmt *st;
    int rc = db_prepare(
        db, "SELECT id, status FROM document WHERE owner_org_id = ? AND import_key = ?", &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, org_id);
    db_bind_text(st, 2, key);
    char id[64] = "", stored_status[16] = "";
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        snprintf(id, sizeof id, "%s", db_column_text(st, 0));
        snprintf(stored_status, sizeof stored_status, "%s", db_column_text(st, 1));
    }
    db_stmt_done(st);
    if (rc < 0)
        return rc;

    json_t *doc = NULL;
    if (!*id) {
        json_t *body = import_body(parsed, opt, note, false, NULL);
        rc = library_create(db, &who, body, &doc, err);
        json_decref(body);
        if (rc)
            return rc;
        snprintf(id, sizeof id, "%s", json_string_value(json_object_get(doc, "id")));
        json_decref(doc);
        rc = db_exec_params(db, "UPDATE document SET import_key = ? WHERE id = ?",
                            DB_PARAMS(DB_TEXT(key), DB_TEXT(id)), NULL, NULL, err);
        if (!rc && publish)
            rc = import_publish(db, &who, id, "draft", err);
        if (!rc)
            *outcome = LIBRARY_IMPORT_CREATED;
        return rc;
    }

    if ((rc = library_get(db, &who, id, &doc, err)))
        return rc;
    json_t *body = import_body(parsed, opt, note, true, doc);
    bool changed = import_changes(db, body, doc);
    json_decref(doc);
    if (changed) {
        rc = library_update(db, &who, id, body, 0, &doc, err);
        if (!rc) {
            snprintf(stored_status, sizeof stored_status, "%s",
                     json_string_value(json_object_get(doc, "status")));
            json_decref(doc);
        }
    }
    json_decref(body);
    if (rc)
        return rc;
    bool to_publish = publish && strcmp(stored_status, "published") != 0;
    if (to_publish && (rc = import_publish(db, &who, id, stored_status, err)))
        return rc;
    *outcome = changed || to_publish ? LIBRARY_IMPORT_UPDATED : LIBRARY_IMPORT_UNCHANGED;
    return 0;
}

/* ---- the folder ---- */

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.md files of `dir` (regular files, or symbolic links to them), sorted by name. */
static int list_files(const char *dir, char ***out, size_t *n, struct bh_error *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return bh_fail(err, BH_EINVALID, "dir", "cannot read folder %s: %s", dir, strerror(errno));
    char **names = NULL;
    size_t count = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || len < 4 || strcmp(e->d_name + len - 3, ".md") != 0)
            continue;
        char *path = xmalloc(strlen(dir) + len + 2);
        sprintf(path, "%s/%s", dir, e->d_name);
        struct stat sb;
        bool file = stat(path, &sb) == 0 && S_ISREG(sb.st_mode); /* follows symbolic links */
        free(path);
        if (!file)
            continue;
        if (count == cap) {
            cap = cap ? cap * 2 : 16;
            names = xrealloc(names, cap * sizeof *names);
        }
        names[count++] = xstrdup(e->d_name);
    }
    closedir(d);
    if (count)
        qsort(names, count, sizeof *names, compare_names);
    *out = names;
    *n = count;
    return 0;
}

static void report_error(struct library_import_report *rep, const char *file, const char *field,
                         const char *message)
{
    json_array_append_new(rep->errors, json_pack("{s:s, s:s, s:s}", "file", file, "field",
                                                 field ? field : "", "message", message));
}

/* The number of the line of front matter key `key` in `text`, or 0. */
static long key_line(const char *text, size_t len, const char *key)
{
    size_t klen = strlen(key);
    long no = 1;
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl ? nl : end;
        if (no > 1 && stop - p >= 3 && memcmp(p, "---", 3) == 0)
            return 0;
        if ((size_t)(stop - p) > klen && memcmp(p, key, klen) == 0 && p[klen] == ':')
            return no;
        if (!nl)
            break;
        p = nl + 1;
        no++;
    }
    return 0;
}

/* A module's error about a body member ("tags.threat[2]", "links[0].id", "title") as the file's
 * "line N: key". */
static void member_field(const char *text, size_t len, const char *member, char out[64])
{
    char key[48];
    const char *m = member;
    if (strncmp(m, "tags.", 5) == 0)
        m += 5;
    size_t n = strcspn(m, ".[");
    snprintf(key, sizeof key, "%.*s", (int)(n < 40 ? n : 40), m);
    if (strcmp(key, "keyword") == 0)
        snprintf(key, sizeof key, "keywords");
    if (!*key) {
        snprintf(out, 64, "line 1");
        return;
    }
    long line = key_line(text, len, key);
    snprintf(out, 64, "line %ld: %s", line ? line : 1, key);
}

struct import_file {
    char *name;
    char *text;
    size_t len;
    json_t *parsed;
};

/* Reads and parses one file; its problem goes to the report. */
static void read_file(const char *dir, struct import_file *f, struct library_import_report *rep)
{
    char *path = xmalloc(strlen(dir) + strlen(f->name) + 2);
    sprintf(path, "%s/%s", dir, f->name);
    FILE *fp = fopen(path, "rb");
    free(path);
    char msg[256];
    if (!fp) {
        snprintf(msg, sizeof msg, _("cannot read the file: %s"), strerror(errno));
        report_error(rep, f->name, "", msg);
        return;
    }
    struct stat sb;
    if (fstat(fileno(fp), &sb) != 0 || sb.st_size > LIBRARY_FILE_MAX) {
        snprintf(msg, sizeof msg, _("the file is %lld bytes; at most %d are read"),
                 (long long)sb.st_size, (int)LIBRARY_FILE_MAX);
        report_error(rep, f->name, "", msg);
        fclose(fp);
        return;
    }
    f->text = xmalloc((size_t)sb.st_size + 1);
    f->len = fread(f->text, 1, (size_t)sb.st_size, fp);
    f->text[f->len] = '\0';
    fclose(fp);
    struct bh_error err;
    if (library_front_matter_parse(f->text, f->len, &f->parsed, &err))
        report_error(rep, f->name, err.field, err.message);
}

/* The file's import key: its "key", else its name without .md. */
static void file_key(const struct import_file *f, char *out, size_t size)
{
    const char *key = json_string_value(json_object_get(f->parsed, "key"));
    if (key)
        snprintf(out, size, "%s", key);
    else
        snprintf(out, size, "%.*s", (int)(strlen(f->name) - 3), f->name);
}

static int import_files(struct db *db, int64_t org_id, const char *org_code,
                        struct import_file *files, size_t n,
                        const struct library_import_options *opt, struct library_import_report *rep,
                        struct bh_error *err)
{
    json_t *keys = json_object(); /* key → the file that gave it */
    int rc = 0;
    for (size_t i = 0; i < n && rc != BH_ESTORE && rc != BH_ENOMEM && rc != BH_EBUSY; i++) {
        struct import_file *f = &files[i];
        if (!f->parsed)
            continue;
        char key[256], field[64], note[300];
        file_key(f, key, sizeof key);
        long line = key_line(f->text, f->len, "key");
        if (!*key || strlen(key) > 200) {
            snprintf(field, sizeof field, "line %ld: key", line ? line : 1);
            report_error(rep, f->name, field, _("a key is 1 to 200 bytes"));
            continue;
        }
        const char *other = json_string_value(json_object_get(keys, key));
        if (other) {
            char msg[400];
            snprintf(field, sizeof field, "line %ld: key", line ? line : 1);
            snprintf(msg, sizeof msg, _("the key '%s' is also file %s's"), key, other);
            report_error(rep, f->name, field, msg);
            continue;
        }
        json_object_set_new(keys, key, json_string(f->name));
        snprintf(note, sizeof note, "Imported from %s", f->name);
        /* Each file in a savepoint of its own (db_begin nests), so that a bad file is undone
         * alone and the next files are still checked: every error is reported at once. */
        int outcome = 0;
        struct bh_error ferr;
        if ((rc = db_begin(db, err)))
            break;
        rc = library_import_one(db, org_id, org_code, key, f->parsed, opt, note, &outcome, &ferr);
        if (!rc)
            rc = db_commit(db, &ferr);
        if (rc) {
            db_rollback(db);
            member_field(f->text, f->len, ferr.field, field);
            report_error(rep, f->name, field, ferr.message);
            if (rc == BH_ESTORE || rc == BH_ENOMEM || rc == BH_EBUSY)
                *err = ferr;
            continue;
        }
        if (outcome == LIBRARY_IMPORT_CREATED)
            rep->created++;
        else if (outcome == LIBRARY_IMPORT_UPDATED)
            rep->updated++;
        else
            rep->unchanged++;
    }
    json_decref(keys);
    return rc == BH_ESTORE || rc == BH_ENOMEM || rc == BH_EBUSY ? rc : 0;
}

int library_import_dir(struct db *db, const struct principal *who, const char *dir,
                       const struct library_import_options *opt, struct library_import_report *rep,
                       struct bh_error *err)
{
    (void)who; /* the command line's operator; the documents are written as the owner's */
    rep->created = rep->updated = rep->unchanged = 0;
    rep->errors = json_array();
    if (!opt->org || !*opt->org)
        return bh_fail(err, BH_EINVALID, "org", "the owning organization is required");
    if (opt->tlp && tlp_parse(opt->tlp) < 0)
        return bh_fail(err, BH_EINVALID, "tlp", "'%s' is not a TLP marking", opt->tlp);
    if (opt->status && strcmp(opt->status, "draft") != 0 && strcmp(opt->status, "published") != 0)
        return bh_fail(err, BH_EINVALID, "status", "'%s' is not draft or published", opt->status);
    int64_t org_id = 0;
    int rc = db_exec_params(db, "SELECT id FROM org WHERE code = ?", DB_PARAMS(DB_TEXT(opt->org)),
                            &org_id, NULL, err);
    if (rc)
        return rc;
    if (!org_id)
        return bh_fail(err, BH_EINVALID, "org", "no organization has the code '%s'", opt->org);

    char **names = NULL;
    size_t n = 0;
    if ((rc = list_files(dir, &names, &n, err)))
        return rc;
    struct import_file *files = xcalloc(n ? n : 1, sizeof *files);
    for (size_t i = 0; i < n; i++) {
        files[i].name = names[i];
        read_file(dir, &files[i], rep);
    }
    free(names);

    if (!(rc = db_begin(db, err))) {
        rc = import_files(db, org_id, opt->org, files, n, opt, rep, err);
        if (!rc && json_array_size(rep->errors) == 0)
            rc = db_commit(db, err);
        else
            db_rollback(db);
    }
    for (size_t i = 0; i < n; i++) {
        free(files[i].name);
        free(files[i].text);
        json_decref(files[i].parsed);
    }
    free(files);
    if (!rc && json_array_size(rep->errors) > 0) {
        rep->created = rep->updated = rep->unchanged = 0; /* nothing was written */
        rc = bh_fail(err, BH_EINVALID, "dir", "%zu errors in the files; nothing was imported",
                     json_array_size(rep->errors));
    }
    return rc;
}

void library_import_report_cleanup(struct library_import_report *rep)
{
    json_decref(rep->errors);
    rep->errors = NULL;
}
