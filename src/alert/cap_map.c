/* Alerts as CAP and back: a stored alert as a struct cap_alert for cap_write() (export), a
 * parsed CAP message stored as an alert (import), and the Atom feed that lists the active
 * ones. XML is written by formats/cap.c; the Atom feed escapes its few texts itself. */
#include "alert/internal.h"

#include "audit/audit.h"
#include "base/i18n.h"
#include "base/timeutil.h"
#include "feed/feed.h"
#include "sharing/sharing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *dup_text(struct arena *a, const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? arena_strdup(a, s) : NULL;
}

static const char **dup_list(struct arena *a, const json_t *list, size_t *n)
{
    *n = json_array_size(list);
    const char **out = arena_calloc(a, *n ? *n : 1, sizeof *out);
    for (size_t i = 0; i < *n; i++)
        out[i] = arena_strdup(a, json_string_value(json_array_get(list, i)));
    return out;
}

/* The RED readers' usernames, space-separated (CAP addresses). */
static int red_addresses(struct db *db, const char *id, struct arena *a, const char **out,
                         struct bh_error *err)
{
    struct buf b = BUF_INIT;
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT u.username FROM tlp_recipient t JOIN account u ON u.id = "
                        "t.account_id WHERE t.record_type = 'alert' AND t.record_id = ? ORDER "
                        "BY u.username",
                        &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, id);
    while ((rc = db_step(st, err)) == DB_ROW) {
        const char *u = db_column_text(st, 0);
        if (b.len)
            buf_putc(&b, ' ');
        /* CAP separates addresses by spaces; one holding a space is quoted. */
        if (strchr(u, ' '))
            buf_printf(&b, "\"%s\"", u);
        else
            buf_puts(&b, u);
    }
    db_stmt_done(st);
    *out = arena_strdup(a, b.len ? buf_str(&b) : "none");
    buf_cleanup(&b);
    return rc < 0 ? rc : 0;
}

int alert_to_cap(struct db *db, const struct principal *who, const char *id, struct arena *a,
                 struct cap_alert *out, struct bh_error *err)
{
    json_t *rec = NULL;
    char tlp[16] = "";
    int rc = alert_get(db, who, id, &rec, err);
    if (rc)
        return rc;
    snprintf(tlp, sizeof tlp, "%s", json_string_value(json_object_get(rec, "tlp")) + 4);
    memset(out, 0, sizeof *out);
    out->version = 12;
    out->identifier = dup_text(a, rec, "identifier");
    out->sender = dup_text(a, rec, "sender");
    out->sent = dup_text(a, rec, "sent");
    out->status = dup_text(a, rec, "status");
    out->msg_type = dup_text(a, rec, "msg_type");
    out->references = dup_text(a, rec, "references");
    out->source = arena_strdup(a, "Bluehelm");
    if (strcmp(tlp, "CLEAR") == 0)
        out->scope = "Public";
    else if (strcmp(tlp, "RED") == 0) {
        out->scope = "Private";
        rc = red_addresses(db, json_string_value(json_object_get(rec, "id")), a, &out->addresses,
                           err);
    } else {
        out->scope = "Restricted";
        out->restriction =
            strcmp(tlp, "GREEN") == 0 ? "TLP:GREEN: the community of the platform's members"
            : strcmp(tlp, "AMBER") == 0
                ? arena_printf(a, "TLP:AMBER: %s and the organizations of sharing group %lld",
                               json_string_value(json_object_get(rec, "sender_org")),
                               (long long)json_integer_value(json_object_get(rec, "sharing_group")))
                : arena_printf(a, "TLP:AMBER+STRICT: %s only",
                               json_string_value(json_object_get(rec, "sender_org")));
    }
    out->codes = arena_calloc(a, 1, sizeof *out->codes);
    out->codes[0] = arena_printf(a, "TLP:%s", tlp);
    out->ncodes = 1;
    const json_t *infos = json_object_get(rec, "info");
    out->ninfos = json_array_size(infos);
    out->infos = arena_calloc(a, out->ninfos ? out->ninfos : 1, sizeof *out->infos);
    for (size_t i = 0; i < out->ninfos; i++) {
        const json_t *in = json_array_get(infos, i);
        struct cap_info *ci = &out->infos[i];
        ci->language = dup_text(a, in, "language");
        ci->categories = dup_list(a, json_object_get(in, "category"), &ci->ncategories);
        ci->response_types =
            dup_list(a, json_object_get(in, "response_type"), &ci->nresponse_types);
        ci->event = dup_text(a, in, "event");
        ci->urgency = dup_text(a, in, "urgency");
        ci->severity = dup_text(a, in, "severity");
        ci->certainty = dup_text(a, in, "certainty");
        ci->audience = dup_text(a, in, "audience");
        ci->effective = dup_text(a, in, "effective");
        ci->onset = dup_text(a, in, "onset");
        ci->expires = dup_text(a, in, "expires");
        ci->headline = dup_text(a, in, "headline");
        ci->description = dup_text(a, in, "description");
        ci->instruction = dup_text(a, in, "instruction");
        ci->web = dup_text(a, in, "web");
        ci->contact = dup_text(a, in, "contact");
        const json_t *areas = json_object_get(in, "areas");
        ci->nareas = json_array_size(areas);
        ci->areas = arena_calloc(a, ci->nareas ? ci->nareas : 1, sizeof *ci->areas);
        for (size_t k = 0; k < ci->nareas; k++) {
            const json_t *ar = json_array_get(areas, k);
            struct cap_area *ca = &ci->areas[k];
            ca->area_desc = dup_text(a, ar, "area_desc");
            const json_t *poly = json_object_get(ar, "polygon");
            if (json_is_array(poly)) {
                struct buf b = BUF_INIT;
                for (size_t p = 0; p < json_array_size(poly); p++) {
                    const json_t *pt = json_array_get(poly, p);
                    buf_printf(&b, "%s%.17g,%.17g", p ? " " : "",
                               json_number_value(json_array_get(pt, 0)),
                               json_number_value(json_array_get(pt, 1)));
                }
                ca->polygons = arena_calloc(a, 1, sizeof *ca->polygons);
                ca->polygons[0] = arena_strdup(a, buf_str(&b));
                ca->npolygons = 1;
                buf_cleanup(&b);
            }
            const json_t *c = json_object_get(ar, "circle");
            if (json_is_object(c)) {
                ca->circles = arena_calloc(a, 1, sizeof *ca->circles);
                ca->circles[0] = arena_printf(a, "%.17g,%.17g %.17g",
                                              json_number_value(json_object_get(c, "lat")),
                                              json_number_value(json_object_get(c, "lon")),
                                              json_number_value(json_object_get(c, "radius_km")));
                ca->ncircles = 1;
            }
        }
    }
    json_decref(rec);
    return rc;
}

/* "lat,lon lat,lon ..." as [[lat, lon], ...]. */
static json_t *polygon_json(const char *s)
{
    json_t *out = json_array();
    while (s && *s) {
        char *end;
        double lat = strtod(s, &end);
        if (*end != ',')
            break;
        double lon = strtod(end + 1, &end);
        json_array_append_new(out, json_pack("[f, f]", lat, lon));
        s = end;
        while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
            s++;
    }
    return out;
}

static json_t *circle_json(const char *s)
{
    char *end;
    double lat = strtod(s, &end);
    double lon = *end == ',' ? strtod(end + 1, &end) : 0;
    double r = strtod(end, &end);
    return json_pack("{s:f, s:f, s:f}", "lat", lat, "lon", lon, "radius_km", r);
}

static json_t *list_json(const char **v, size_t n)
{
    json_t *out = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(out, json_string(v[i]));
    return out;
}

static int set_time(json_t *o, const char *key, const char *s, size_t idx, struct bh_error *err)
{
    if (!s)
        return 0;
    char field[64], norm[40];
    snprintf(field, sizeof field, "info[%zu].%s", idx, key);
    int rc = alert__norm_time(s, field, norm, err);
    if (!rc)
        json_object_set_new(o, key, json_string(norm));
    return rc;
}

/* The CAP info list in the shape the API writes (one area per polygon and per circle). */
static int infos_json(const struct cap_alert *cap, json_t **out, struct bh_error *err)
{
    json_t *infos = json_array();
    *out = infos;
    for (size_t i = 0; i < cap->ninfos; i++) {
        const struct cap_info *ci = &cap->infos[i];
        json_t *o = json_object();
        json_array_append_new(infos, o);
        json_object_set_new(o, "language", json_string(ci->language ? ci->language : "en-US"));
        json_object_set_new(o, "category", list_json(ci->categories, ci->ncategories));
        json_object_set_new(o, "event", json_string(ci->event ? ci->event : ""));
        json_object_set_new(o, "response_type", list_json(ci->response_types, ci->nresponse_types));
        json_object_set_new(o, "urgency", json_string(ci->urgency ? ci->urgency : "Unknown"));
        json_object_set_new(o, "severity", json_string(ci->severity ? ci->severity : "Unknown"));
        /* CAP 1.1's "Very Likely" is 1.2's "Likely". */
        const char *cert = ci->certainty ? ci->certainty : "Unknown";
        json_object_set_new(o, "certainty",
                            json_string(strcmp(cert, "Very Likely") == 0 ? "Likely" : cert));
        static const char *const keys[] = { "headline", "description", "instruction",
                                            "audience", "web",         "contact" };
        const char *vals[] = { ci->headline, ci->description, ci->instruction,
                               ci->audience, ci->web,         ci->contact };
        for (size_t k = 0; k < 6; k++)
            if (vals[k])
                json_object_set_new(o, keys[k], json_string(vals[k]));
        int rc;
        if ((rc = set_time(o, "effective", ci->effective, i, err)) ||
            (rc = set_time(o, "onset", ci->onset, i, err)) ||
            (rc = set_time(o, "expires", ci->expires, i, err)))
            return rc;
        json_t *areas = json_array();
        json_object_set_new(o, "areas", areas);
        for (size_t k = 0; k < ci->nareas; k++) {
            const struct cap_area *ca = &ci->areas[k];
            const char *desc = ca->area_desc ? ca->area_desc : "";
            for (size_t p = 0; p < ca->npolygons; p++)
                json_array_append_new(areas, json_pack("{s:s, s:o}", "area_desc", desc, "polygon",
                                                       polygon_json(ca->polygons[p])));
            for (size_t c = 0; c < ca->ncircles; c++)
                json_array_append_new(areas, json_pack("{s:s, s:o}", "area_desc", desc, "circle",
                                                       circle_json(ca->circles[c])));
            if (!ca->npolygons && !ca->ncircles)
                json_array_append_new(areas, json_pack("{s:s}", "area_desc", desc));
        }
    }
    return 0;
}

/* An imported Update or Cancel: each "sender,identifier,sent" of `refs` that names an
 * imported alert of the same sender changes its state. An alert of this platform is never
 * changed from outside, whatever the message claims. */
static int apply_references(struct db *db, const struct cap_alert *cap, struct bh_error *err)
{
    const char *state = strcmp(cap->msg_type, "Cancel") == 0 ? "cancelled" : "updated";
    char *refs = strdup(cap->references);
    if (!refs)
        return bh_fail(err, BH_ENOMEM, NULL, "out of memory");
    int rc = 0;
    char *save = NULL;
    for (char *tok = strtok_r(refs, " \t\r\n", &save); tok && !rc;
         tok = strtok_r(NULL, " \t\r\n", &save)) {
        char *c1 = strchr(tok, ',');
        char *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
        if (!c2)
            continue;
        *c1 = *c2 = '\0';
        if (strcmp(tok, cap->sender) != 0)
            continue;
        char id[40] = "";
        struct db_stmt *st;
        if ((rc = db_prepare(db,
                             "SELECT id FROM alert WHERE sender = ? AND identifier = ? AND "
                             "origin <> 'local'",
                             &st, err)))
            break;
        db_bind_text(st, 1, tok);
        db_bind_text(st, 2, c1 + 1);
        rc = db_step(st, err);
        if (rc == DB_ROW)
            snprintf(id, sizeof id, "%s", db_column_text(st, 0));
        db_stmt_done(st);
        rc = rc < 0 ? rc : 0;
        if (!rc && id[0])
            rc = alert__set_state(db, id, state, err);
    }
    free(refs);
    return rc;
}

static int import_in_tx(struct db *db, const struct principal *who, const struct cap_alert *cap,
                        const char *origin, bool signature_verified, char id_out[37], bool *created,
                        struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db, "SELECT id FROM alert WHERE sender = ? AND identifier = ?", &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, cap->sender);
    db_bind_text(st, 2, cap->identifier);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        snprintf(id_out, 37, "%s", db_column_text(st, 0));
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    if (rc == DB_ROW)
        return 0; /* a repeat: stored once */
    const char *scope = cap->scope ? cap->scope : "Restricted";
    const char *tlp = strcmp(scope, "Public") == 0    ? "CLEAR"
                      : strcmp(scope, "Private") == 0 ? "RED"
                                                      : "AMBER+STRICT";
    char sent[40];
    if ((rc = alert__norm_time(cap->sent, "alert.sent", sent, err)))
        return rc;
    json_t *infos = NULL;
    rc = infos_json(cap, &infos, err);
    struct alert__row row = { .owner_org_id = who->org_id,
                              .tlp = tlp,
                              .identifier = cap->identifier,
                              .sender = cap->sender,
                              .sent = sent,
                              .status = cap->status ? cap->status : "Actual",
                              .msg_type = cap->msg_type ? cap->msg_type : "Alert",
                              .references_text = cap->references,
                              .infos = infos,
                              .origin = origin,
                              .signature_verified = signature_verified,
                              .created_by = who->account_id };
    if (!rc)
        rc = alert__insert(db, &row, id_out, err);
    json_decref(infos);
    if (!rc && strcmp(tlp, "RED") == 0 && who->account_id)
        rc = db_exec_params(db,
                            "INSERT INTO tlp_recipient (record_type, record_id, account_id) "
                            "VALUES ('alert', ?, ?)",
                            DB_PARAMS(DB_TEXT(id_out), DB_INT(who->account_id)), NULL, NULL, err);
    if (!rc && cap->references && cap->msg_type &&
        (strcmp(cap->msg_type, "Update") == 0 || strcmp(cap->msg_type, "Cancel") == 0))
        rc = apply_references(db, cap, err);
    if (!rc)
        rc = feed_publish(db, "alert", "created", id_out, 0, NULL, err);
    if (!rc) {
        json_t *sum =
            json_pack("{s:s, s:s, s:s, s:b}", "sender", cap->sender, "identifier", cap->identifier,
                      "origin", origin, "signature_verified", signature_verified);
        rc = audit_append(db, who, "alert.import", "alert", id_out, sum, err);
        json_decref(sum);
    }
    if (!rc)
        *created = true;
    return rc;
}

int alert_import_cap(struct db *db, const struct principal *who, const struct cap_alert *cap,
                     const char *origin, bool signature_verified, char id_out[37], bool *created,
                     struct bh_error *err)
{
    *created = false;
    id_out[0] = '\0';
    if (!who->org_id)
        return bh_fail(err, BH_EINVALID, "org",
                       "an imported alert belongs to an organization; name one");
    if (!cap->identifier || !cap->sender || !cap->sent)
        return bh_fail(err, BH_EINVALID, "alert",
                       "a CAP message needs its identifier, sender and sent");
    int rc = db_begin(db, err);
    if (rc)
        return rc;
    rc = import_in_tx(db, who, cap, origin ? origin : "upload", signature_verified, id_out, created,
                      err);
    if (!rc)
        rc = db_commit(db, err);
    else
        db_rollback(db);
    if (!rc && *created)
        feed_notify();
    return rc;
}

/* Text for XML character data and attribute values. */
static void xml_text(struct buf *b, const char *s)
{
    for (; s && *s; s++)
        switch (*s) {
        case '&':
            buf_puts(b, "&amp;");
            break;
        case '<':
            buf_puts(b, "&lt;");
            break;
        case '>':
            buf_puts(b, "&gt;");
            break;
        case '"':
            buf_puts(b, "&quot;");
            break;
        default:
            /* Control characters other than tab and newlines are not XML. */
            if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n' && *s != '\r')
                buf_putc(b, ' ');
            else
                buf_putc(b, *s);
        }
}

int alert_atom(struct db *db, const struct principal *who, const char *base, struct buf *out,
               struct bh_error *err)
{
    json_t *items = json_array();
    bool more = false;
    struct alert_filter f = { .active_only = true };
    int rc = alert_list(db, who, &f, NULL, 200, items, &more, NULL, err);
    if (rc) {
        json_decref(items);
        return rc;
    }
    char now[40];
    time_format_rfc3339(time_now_ms(), 0, false, now);
    const char *updated =
        json_array_size(items)
            ? json_string_value(json_object_get(json_array_get(items, 0), "updated_at"))
            : now;
    buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                  "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
                  "  <id>urn:bluehelm:alerts</id>\n  <title>");
    xml_text(out, _("Bluehelm alerts"));
    buf_puts(out, "</title>\n  <updated>");
    xml_text(out, updated);
    buf_puts(out, "</updated>\n  <link rel=\"self\" href=\"");
    xml_text(out, base);
    buf_puts(out, "/api/v1/alerts.atom\"/>\n  <author><name>Bluehelm</name></author>\n");
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        const json_t *info = json_array_get(json_object_get(it, "info"), 0);
        const char *title = json_string_value(json_object_get(info, "headline"));
        if (!title)
            title = json_string_value(json_object_get(info, "event"));
        const char *id = json_string_value(json_object_get(it, "id"));
        buf_puts(out, "  <entry>\n    <id>urn:uuid:");
        xml_text(out, id);
        buf_puts(out, "</id>\n    <title>");
        xml_text(out, title);
        buf_puts(out, "</title>\n    <updated>");
        xml_text(out, json_string_value(json_object_get(it, "updated_at")));
        buf_puts(out, "</updated>\n    <published>");
        xml_text(out, json_string_value(json_object_get(it, "sent")));
        buf_puts(out, "</published>\n    <author><name>");
        xml_text(out, json_string_value(json_object_get(it, "sender")));
        buf_puts(out, "</name></author>\n    <summary>");
        xml_text(out, json_string_value(json_object_get(info, "event")));
        buf_puts(out, " (");
        xml_text(out, json_string_value(json_object_get(info, "severity")));
        buf_puts(out, ", ");
        xml_text(out, json_string_value(json_object_get(it, "tlp")));
        buf_puts(out, ")</summary>\n    <link rel=\"alternate\" type=\"application/cap+xml\" "
                      "href=\"");
        xml_text(out, base);
        buf_puts(out, "/api/v1/alerts/");
        xml_text(out, id);
        buf_puts(out, ".cap\"/>\n  </entry>\n");
    }
    buf_puts(out, "</feed>\n");
    json_decref(items);
    return 0;
}
