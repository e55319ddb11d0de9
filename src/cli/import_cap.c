/* bluehelm import cap FILE --org CODE: one CAP message (an alert of another system) into the
 * alert register, as the command-line operator on behalf of organization CODE. The rules are
 * alert_import_cap()'s (src/alert/alert.h, docs/alerts.md). */
#include "cli/cli.h"

#include "alert/alert.h"
#include "base/arena.h"
#include "base/i18n.h"
#include "db/db.h"
#include "formats/cap.h"
#include "org/org.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int run(int argc, char **argv);

enum { O_ORG };

static const struct cli_option options[] = {
    { "org", "CODE", N_("the organization the alert is imported for (required)") },
    { NULL, NULL, NULL },
};

const struct cli_command cli_import_cap_command = {
    "import cap",
    run,
    N_("import one CAP alert message (CAP 1.2 or 1.1 XML)"),
    "FILE --org CODE",
    N_("Stores one Common Alerting Protocol message (`-` reads stdin) as an alert of the\n"
       "organization CODE. A message already stored (same sender and identifier) is not stored\n"
       "again. Scope Public is marked TLP:CLEAR, Restricted TLP:AMBER+STRICT of CODE, Private\n"
       "TLP:RED (to nobody but admins, from the command line). An Update or Cancel changes the\n"
       "state of the imported alert it references. The signature is checked against the\n"
       "certificates in the setting cap_trusted_certs when it is set. See docs/alerts.md."),
    options,
    1,
};

/* The whole file (at most CAP_MAX_BYTES) into *out (heap), or a message on stderr. */
static int read_all(const char *path, char **out, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        cli_error(_("import cap: cannot open %s: %s"), path, strerror(errno));
        return CLI_FAILED;
    }
    char *buf = malloc(CAP_MAX_BYTES + 2);
    size_t n = buf ? fread(buf, 1, CAP_MAX_BYTES + 1, f) : 0;
    if (f != stdin)
        fclose(f);
    if (!buf)
        return CLI_FAILED;
    if (n > CAP_MAX_BYTES) {
        free(buf);
        cli_error(_("import cap: %s is larger than %d bytes"), path, CAP_MAX_BYTES);
        return CLI_FAILED;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return CLI_OK;
}

static int run(int argc, char **argv)
{
    struct cli_args a;
    int rc = cli_begin(&cli_import_cap_command, argc, argv, &a);
    if (rc >= 0)
        return rc;
    if (a.npositional != 1)
        return cli_usage_error(&cli_import_cap_command, _("the FILE to import is required"));
    if (!a.values[O_ORG] || !*a.values[O_ORG])
        return cli_usage_error(&cli_import_cap_command,
                               _("--org CODE is required: the organization the alert is for"));
    char *xml = NULL;
    size_t len = 0;
    if ((rc = read_all(a.positional[0], &xml, &len)))
        return rc;
    struct db *db;
    if ((rc = cli_open_store(&a, 0, &db))) {
        free(xml);
        return rc;
    }
    struct principal who;
    principal_cli(&who);
    struct org o;
    struct bh_error err;
    struct arena *ar = arena_new(64 * 1024);
    struct cap_alert cap;
    bool verified = false, created = false;
    char id[37] = "";
    rc = org_get(db, a.values[O_ORG], &o, &err);
    if (rc)
        snprintf(err.field, sizeof err.field, "--org");
    else {
        who.org_id = o.id;
        snprintf(who.org_code, sizeof who.org_code, "%s", o.code);
        rc = alert_read_cap(xml, len, a.config.cap_trusted_certs, ar, &cap, &verified, &err);
    }
    if (!rc)
        rc = alert_import_cap(db, &who, &cap, "cli", verified, id, &created, &err);
    db_close(db);
    arena_free(ar);
    free(xml);
    if (rc) {
        if (err.field[0])
            cli_error("import cap: %s: %s", err.field, err.message);
        else
            cli_error("import cap: %s", err.message);
        return CLI_FAILED;
    }
    printf(created ? _("alert %s stored (signature %s)\n")
                   : _("alert %s was already stored (signature %s)\n"),
           id, verified ? _("verified") : _("not verified"));
    return CLI_OK;
}
