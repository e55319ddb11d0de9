#include "base/err.h"

#include "base/i18n.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct err_entry {
    int code;
    int http;
    const char *name;
    const char *title;
    const char *text;
};

static const struct err_entry err_table[] = {
#define BH_X(name, code, http, title, text) { code, http, #name, title, text },
    BH_ERRORS(BH_X)
#undef BH_X
};

static const struct err_entry *err_find(int rc)
{
    for (size_t i = 0; i < sizeof err_table / sizeof err_table[0]; i++)
        if (err_table[i].code == rc)
            return &err_table[i];
    return NULL;
}

const char *bh_strerror(int rc)
{
    const struct err_entry *e = err_find(rc);
    return e ? _(e->text) : _("unknown error");
}

int bh_http_status(int rc)
{
    const struct err_entry *e = err_find(rc);
    return e ? e->http : 500;
}

const char *bh_http_title(int rc)
{
    const struct err_entry *e = err_find(rc);
    return e ? _(e->title) : _("Internal Server Error");
}

const char *bh_errname(int rc)
{
    const struct err_entry *e = err_find(rc);
    return e ? e->name : "UNKNOWN";
}

int bh_fail(struct bh_error *err, int code, const char *field, const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    snprintf(err->field, sizeof err->field, "%s", field ? field : "");
    /* The sentence is written in the calling thread's language (a request's, the CLI's): the
     * catalogs were checked to convert the same arguments as the English (base/i18n.c). */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, _(fmt), ap);
    va_end(ap);
    return code;
}

void bh_error_clear(struct bh_error *err)
{
    if (!err)
        return;
    err->code = 0;
    err->field[0] = '\0';
    err->message[0] = '\0';
}
