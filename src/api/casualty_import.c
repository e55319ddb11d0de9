/* POST /api/v1/casualties/import: the UN fatalities file uploaded as text/csv, imported as the
 * signed-in admin (data.import). The body is the file; the reply is what the import did. */
#include "api/api.h"
#include "http/routes.h"

#include "api/common.h"
#include "base/i18n.h"
#include "casualty/import.h"

#include <string.h>
#include <strings.h>

/* Whether the Content-Type is text/csv (parameters such as charset allowed: the reader
 * refuses anything that is not UTF-8 by itself, naming the line). */
static int is_csv(const char *ct)
{
    size_t n = strlen("text/csv");
    if (!ct)
        return 0;
    while (*ct == ' ')
        ct++;
    return strncasecmp(ct, "text/csv", n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* A file that cannot be read as the format: the problem names where, as members "line" and
 * (when known) "column" besides the sentence, so a client can point at the place. */
static void reply_unreadable(struct http_request *req, struct http_reply *rep,
                             const struct import_report *r, const struct bh_error *err)
{
    json_t *p =
        json_pack("{s:s, s:s, s:i, s:s, s:s, s:s, s:I}", "type", "about:blank", "title",
                  bh_http_title(BH_EINVALID), "status", 400, "detail", err->message, "instance",
                  req->path, "code", "INVALID", "line", (json_int_t)r->where.line);
    if (err->field[0])
        json_object_set_new(p, "field", json_string(err->field));
    if (r->where.column > 0)
        json_object_set_new(p, "column", json_integer(r->where.column));
    http_reply_json(req, rep, 400, p);
    rep->content_type = "application/problem+json";
}

static void api_casualty_import(struct http_request *req, struct http_reply *rep)
{
    const char *ct = http_request_header(req, "Content-Type");
    if (!is_csv(ct)) {
        char *detail = arena_printf(req->arena,
                                    _("the body must be text/csv (the UN fatalities "
                                      "file), not %s"),
                                    ct ? ct : _("(no Content-Type)"));
        http_reply_problem(req, rep, BH_EUNSUPPORTED, detail, "Content-Type");
        return;
    }
    struct bh_error err;
    struct import_report r;
    import_report_init(&r);
    struct import_input in = { "upload", NULL, req->body, req->body_len, 0 };
    int rc = casualty_import_un_fatalities(req->db, &req->who, &in, NULL, NULL, &r, &err);
    if (rc == BH_EINVALID && r.where.line > 0)
        reply_unreadable(req, rep, &r, &err);
    else if (!api_failed(req, rep, rc, &err))
        http_reply_json(req, rep, 200, casualty_import_report_json(&r));
    import_report_cleanup(&r);
}

/* This capability's endpoints, one row each (collected, one line per capability, in
 * api/routes.c). docs/openapi.json must describe every row (api/openapi checks). */
const struct route api_casualty_import_routes[] = {
    { "POST", "/api/v1/casualties/import", api_casualty_import, 0, PERM_DATA_IMPORT, 64u << 20,
      "Import the UN peacekeeping fatalities file (text/csv)" },
    { NULL, NULL, NULL, 0, PERM_NONE, 0, NULL },
};
