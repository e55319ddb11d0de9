#include "support.h"

#include "account/account.h"
#include "account/missions.h"
#include "audit/audit.h"
#include "base/err.h"
#include "db/db.h"
#include "db/migrate.h"
#include "event/event.h"
#include "incident/incident.h"
#include "org/org.h"
#include "refdata/refdata.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

void test_exec_bluehelm(const char *const *args)
{
    size_t n = 0;
    while (args[n])
        n++;
    char **argv = calloc(n + 2, sizeof *argv);
    argv[0] = (char *)BH_BINARY;
    for (size_t i = 0; i < n; i++)
        argv[i + 1] = (char *)args[i];
    execv(BH_BINARY, argv);
    _exit(127);
}

void test_fail_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    char msg[8192];
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    print_error("ERROR: %s\n", msg);
    _fail(file, line);
}

void test_must(int rc, const struct bh_error *err, const char *what, const char *file, int line)
{
    if (rc)
        test_fail_at(file, line, "%s: %s (%s, field %s)", what, err->message, bh_errname(rc),
                     err->field);
}

static void remove_tree(const char *path)
{
    /* Test directories hold a handful of flat files; `rm -rf` keeps this short and is on
     * every machine the tests run on. */
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    if (system(cmd) != 0)
        fail_msg("cannot remove %s", path);
}

const char *test_tmpdir(const char *name)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/%s", BH_TEST_TMP, name);
    remove_tree(path);
    mkdir(BH_TEST_TMP, 0755);
    if (mkdir(path, 0755) != 0)
        fail_msg("cannot create %s: %s", path, strerror(errno));
    return path;
}

char *test_path(const char *dir, const char *file)
{
    size_t n = strlen(dir) + strlen(file) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", dir, file);
    return p;
}

char *test_store_path(const char *name)
{
    return test_path(test_tmpdir(name), "store.db");
}

char *test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *data = malloc(cap);
    size_t got;
    while ((got = fread(data + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n - 1 == 0)
            data = realloc(data, cap *= 2);
    }
    fclose(f);
    data[n] = '\0';
    if (len)
        *len = n;
    return data;
}

void test_write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        fail_msg("cannot write %s: %s", path, strerror(errno));
    fputs(text, f);
    fclose(f);
}

void test_assert_file_bytes(const char *path, const char *bytes, size_t len, const char *file,
                            int line)
{
    size_t got_len;
    char *got = test_read_file(path, &got_len);
    if (!got)
        test_fail_at(file, line, "cannot read %s: %s", path, strerror(errno));
    else if (got_len != len)
        test_fail_at(file, line, "%s: %zu bytes, expected %zu", path, got_len, len);
    else if (memcmp(got, bytes, len) != 0)
        test_fail_at(file, line, "%s: the bytes differ from those expected", path);
    free(got);
}

int test_count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

const char *test_last_line(char *s)
{
    size_t n = strlen(s);
    while (n && s[n - 1] == '\n')
        s[--n] = '\0';
    char *nl = strrchr(s, '\n');
    return nl ? nl + 1 : s;
}

void test_require_path(const char *path, const char *what)
{
    if (access(path, R_OK) == 0)
        return;
    printf("SKIP: %s not found at %s (%s)\n", what, path, strerror(errno));
    exit(TEST_SKIP);
}

static char *drain(int fd)
{
    size_t cap = 4096, n = 0;
    char *data = malloc(cap);
    ssize_t got;
    while ((got = read(fd, data + n, cap - n - 1)) > 0) {
        n += (size_t)got;
        if (cap - n - 1 == 0)
            data = realloc(data, cap *= 2);
    }
    data[n] = '\0';
    close(fd);
    return data;
}

int test_run_bluehelm(const char *const *args, const char *const *env_extra, char **out, char **err)
{
    return test_run_bluehelm_input(args, env_extra, NULL, out, err);
}

int test_run_bluehelm_input(const char *const *args, const char *const *env_extra,
                            const char *input, char **out, char **err)
{
    /* The input goes through a file, not a pipe, so a child that does not read it can never
     * block the test. */
    char in_tmpl[] = "/tmp/bh-test-in-XXXXXX";
    int in_fd = mkstemp(in_tmpl);
    if (in_fd < 0)
        fail_msg("mkstemp: %s", strerror(errno));
    unlink(in_tmpl);
    if (input && write(in_fd, input, strlen(input)) != (ssize_t)strlen(input))
        fail_msg("write: %s", strerror(errno));
    lseek(in_fd, 0, SEEK_SET);
    char out_tmpl[] = "/tmp/bh-test-out-XXXXXX";
    char err_tmpl[] = "/tmp/bh-test-err-XXXXXX";
    int out_fd = mkstemp(out_tmpl);
    int err_fd = mkstemp(err_tmpl);
    if (out_fd < 0 || err_fd < 0)
        fail_msg("mkstemp: %s", strerror(errno));
    unlink(out_tmpl);
    unlink(err_tmpl);

    pid_t pid = fork();
    if (pid < 0)
        fail_msg("fork: %s", strerror(errno));
    if (pid == 0) {
        dup2(in_fd, 0);
        dup2(out_fd, 1);
        dup2(err_fd, 2);
        /* English unless the test says otherwise: the texts the tests look for are the
         * English ones, whatever the language of the person running them. */
        unsetenv("LANGUAGE");
        unsetenv("LC_ALL");
        unsetenv("LC_MESSAGES");
        unsetenv("LANG");
        for (const char *const *e = env_extra; e && *e; e++)
            putenv((char *)*e);
        test_exec_bluehelm(args);
    }
    close(in_fd);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    lseek(out_fd, 0, SEEK_SET);
    lseek(err_fd, 0, SEEK_SET);
    char *o = drain(out_fd), *e = drain(err_fd);
    if (out)
        *out = o;
    else
        free(o);
    if (err)
        *err = e;
    else
        free(e);
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return 128 + WTERMSIG(status);
}

struct test_run test_cli(const char *const *args)
{
    return test_cli_env(NULL, args);
}

struct test_run test_cli_env(const char *const *env, const char *const *args)
{
    struct test_run r;
    r.status = test_run_bluehelm(args, env, &r.out, &r.err);
    return r;
}

struct test_run test_cli_input(const char *input, const char *const *args)
{
    struct test_run r;
    r.status = test_run_bluehelm_input(args, NULL, input, &r.out, &r.err);
    return r;
}

struct test_run test_cli_db(const char *db, const char *input, const char *const *args)
{
    const char *argv[64];
    size_t n = 0;
    for (; args[n]; n++) {
        if (n + 3 > sizeof argv / sizeof argv[0])
            fail_msg("test_cli_db: more than %zu arguments", sizeof argv / sizeof argv[0] - 3);
        argv[n] = args[n];
    }
    if (db) {
        argv[n++] = "--db";
        argv[n++] = db;
    }
    argv[n] = NULL;
    return test_cli_input(input, argv);
}

void test_run_free(struct test_run *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

void test_assert_status(const struct test_run *r, int want, const char *file, int line)
{
    if (r->status != want)
        test_fail_at(file, line, "expected exit %d, got %d\nstdout:\n%s\nstderr:\n%s", want,
                     r->status, r->out, r->err);
}

void test_assert_run(struct test_run r, int status, const char *out_has, const char *err_has,
                     const char *file, int line)
{
    test_assert_status(&r, status, file, line);
    if (out_has && !strstr(r.out, out_has))
        test_fail_at(file, line, "expected to find \"%s\" in stdout:\n%s", out_has, r.out);
    if (err_has && !strstr(r.err, err_has))
        test_fail_at(file, line, "expected to find \"%s\" in stderr:\n%s", err_has, r.err);
    test_run_free(&r);
}

void test_cli_ok(const char *db, const char *input, const char *const *args, char **out)
{
    struct test_run r = test_cli_db(db, input, args);
    if (r.status != 0) {
        char cmd[1024] = "bluehelm";
        size_t used = strlen(cmd);
        for (const char *const *a = args; *a && used < sizeof cmd; a++)
            used += (size_t)snprintf(cmd + used, sizeof cmd - used, " %s", *a);
        fail_msg("%s: exit %d\nstdout:\n%s\nstderr:\n%s", cmd, r.status, r.out, r.err);
    }
    if (out) {
        *out = r.out;
        r.out = NULL;
    }
    test_run_free(&r);
}

void test_create_token(const char *db, const char *user, const char *name, char *token, size_t cap)
{
    const char *args[] = { "token", "create", "--user", user, name ? "--name" : NULL, name, NULL };
    char *out;
    test_cli_ok(db, NULL, args, &out);
    snprintf(token, cap, "%s", test_last_line(out));
    free(out);
}

static char *init_store(const char *name, const char *const *args_extra, const char *const *env)
{
    char *path = test_store_path(name);
    const char *args[8] = { "init", "--db", path };
    size_t n = 3;
    for (; args_extra && *args_extra; args_extra++)
        args[n++] = *args_extra;
    args[n] = NULL;
    struct test_run r = test_cli_env(env, args);
    if (r.status != 0)
        fail_msg("bluehelm init --db %s: exit %d\nstdout:\n%s\nstderr:\n%s", path, r.status, r.out,
                 r.err);
    test_run_free(&r);
    return path;
}

char *test_init_store(const char *name)
{
    return init_store(name, NULL, NULL);
}

char *test_init_seeded_store(const char *name, const char *admin_password)
{
    /* The child puts `var` into its environment before exec; it outlives the run. */
    char var[256];
    snprintf(var, sizeof var, "BLUEHELM_ADMIN_PASSWORD=%s", admin_password);
    const char *env[] = { var, NULL };
    const char *seed[] = { "--seed", NULL };
    return init_store(name, seed, env);
}

struct db *test_db_open(const char *path, int flags)
{
    struct db *db;
    struct bh_error err;
    int rc = db_open(&db, path, flags, &err);
    if (rc)
        fail_msg("db_open(%s) = %d: %s", path, rc, err.message);
    return db;
}

struct db *test_db_migrated(const char *name, char **path)
{
    char *p = test_store_path(name);
    struct db *db = test_db_open(p, DB_OPEN_CREATE);
    struct bh_error err;
    if (migrate_apply(db, migrations_builtin, migrations_builtin_count, NULL, &err))
        fail_msg("migrate %s: %s", p, err.message);
    if (path)
        *path = p;
    else
        free(p);
    return db;
}

struct db *test_db_with_orgs(const char *name, char **path, const char *const *codes, int n,
                             int un_entity, int64_t *ids)
{
    struct db *db = test_db_migrated(name, path);
    test_db_add_orgs(db, codes, n, un_entity, ids);
    return db;
}

void test_db_add_orgs(struct db *db, const char *const *codes, int n, int un_entity, int64_t *ids)
{
    struct bh_error err;
    struct refdata_counts counts;
    must(refdata_load(db, TEST_ISO_DIR, &counts, &err), &err, "refdata_load");
    struct principal cli;
    principal_cli(&cli);
    for (int i = 0; i < n; i++) {
        struct org o;
        org_init(&o);
        snprintf(o.code, sizeof o.code, "%s", codes[i]);
        snprintf(o.name, sizeof o.name, "Organization %s", codes[i]);
        o.kind = i == un_entity ? ORG_UN_ENTITY : ORG_MEMBER_STATE;
        must(org_add(db, &cli, &o, &err), &err, "org_add");
        ids[i] = o.id;
    }
}

void test_audit_append(struct db *db, const struct principal *who, const char *action,
                       const char *type, const char *id, const char *summary_json)
{
    struct bh_error err;
    json_t *summary = NULL;
    if (summary_json) {
        json_error_t jerr;
        summary = json_loads(summary_json, 0, &jerr);
        if (!summary)
            fail_msg("bad test JSON %s: %s", summary_json, jerr.text);
    }
    if (db_begin(db, &err) || audit_append(db, who, action, type, id, summary, &err) ||
        db_commit(db, &err))
        fail_msg("append %s: %s", action, err.message);
    json_decref(summary);
}

char *test_json_text(json_t *j)
{
    if (!json_is_string(json_object_get(j, "created_at")))
        fail_msg("no created_at string in %s", json_dumps(j, JSON_COMPACT));
    json_object_del(j, "created_at");
    return json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT);
}

void test_exec(struct db *db, const char *sql)
{
    struct bh_error err;
    if (db_exec(db, sql, &err))
        fail_msg("%s: %s", sql, err.message);
}

int64_t test_query_int(struct db *db, const char *sql)
{
    int64_t v;
    struct bh_error err;
    if (db_query_int(db, sql, -1, &v, &err))
        fail_msg("%s: %s", sql, err.message);
    return v;
}

json_t *test_json(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    if (!j)
        fail_msg("bad test JSON: %s: %s", e.text, text);
    return j;
}

int test_split_csv(char *line, char **fields, int max)
{
    int n = 0;
    char *p = line;
    for (;;) {
        char *out = p;
        if (n < max)
            fields[n] = p;
        n++;
        if (*p == '"') {
            char *r = p + 1;
            for (;;) {
                if (*r == '"' && r[1] == '"') {
                    *out++ = '"';
                    r += 2;
                } else if (*r == '"' || !*r) {
                    r += *r == '"';
                    break;
                } else {
                    *out++ = *r++;
                }
            }
            p = r;
        } else {
            while (*p && *p != ',')
                *out++ = *p++;
        }
        char sep = *p;
        *out = '\0';
        if (sep != ',')
            return n;
        p++;
    }
}

char *test_sh(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    if (!p)
        fail_msg("popen %s: %s", cmd, strerror(errno));
    size_t cap = 65536, n = 0;
    char *out = malloc(cap);
    size_t got;
    while ((got = fread(out + n, 1, cap - n - 1, p)) > 0) {
        n += got;
        if (cap - n - 1 == 0)
            out = realloc(out, cap *= 2);
    }
    out[n] = '\0';
    int status = pclose(p);
    if (status != 0)
        fail_msg("`%s` exited %d:\n%s", cmd, status, out);
    return out;
}

void test_require_sqlite3(void)
{
    if (system("command -v sqlite3 >/dev/null 2>&1") != 0) {
        printf("skipped: the sqlite3 shell is not installed (it makes the independent count)\n");
        exit(TEST_SKIP);
    }
}

char *test_store_rows(const char *path, int cols, const char *sql, const char *null_text)
{
    struct db *db = test_db_open(path, DB_OPEN_READONLY);
    struct db_stmt *st;
    struct bh_error err;
    if (db_prepare(db, sql, &st, &err))
        fail_msg("%s: %s", sql, err.message);
    size_t cap = 65536, n = 0;
    char *out = malloc(cap);
    out[0] = '\0';
    int rc;
    while ((rc = db_step(st, &err)) == DB_ROW) {
        for (int col = 0; col < cols; col++) {
            const char *v = db_column_text(st, col);
            v = v ? v : null_text;
            if (n + strlen(v) + 4 >= cap)
                out = realloc(out, cap = 2 * cap + strlen(v));
            n += (size_t)sprintf(out + n, "%s%s", col ? "|" : "", v);
        }
        out[n++] = '\n';
        out[n] = '\0';
    }
    if (rc < 0)
        fail_msg("%s: %s", sql, err.message);
    db_stmt_done(st);
    db_close(db);
    return out;
}

int64_t test_store_int(const char *path, const char *sql)
{
    struct db *db = test_db_open(path, DB_OPEN_READONLY);
    int64_t v = test_query_int(db, sql);
    db_close(db);
    return v;
}

void test_principal(struct principal *p, int64_t account_id, int64_t org_id, const char *org_code,
                    enum role role, const char *username_fmt, ...)
{
    memset(p, 0, sizeof *p);
    p->account_id = account_id;
    p->org_id = org_id;
    p->role = role;
    va_list ap;
    va_start(ap, username_fmt);
    vsnprintf(p->username, sizeof p->username, username_fmt, ap);
    va_end(ap);
    snprintf(p->org_code, sizeof p->org_code, "%s", org_code);
}

void test_user_principal(struct db *db, const char *username, int64_t org_id, const char *org_code,
                         enum role role, const char *mission, const char *password,
                         struct principal *p)
{
    struct bh_error err;
    struct principal cli;
    principal_cli(&cli);
    struct account_user u;
    must(account_user_add(db, &cli, username, NULL, org_code, role, password, &u, &err), &err,
         username);
    test_principal(p, u.id, org_id, org_code, role, "%s", username);
    if (mission)
        must(account_missions_set(db, &cli, username, &mission, 1, NULL, &err), &err, "missions");
}

int test_md_cells(char *line, char **cells, int max)
{
    int n = 0;
    char *p = strchr(line, '|');
    while (p && n < max) {
        char *next = strchr(p + 1, '|');
        if (!next)
            break;
        *next = '\0';
        char *c = p + 1;
        while (*c == ' ')
            c++;
        char *e = c + strlen(c);
        while (e > c && e[-1] == ' ')
            *--e = '\0';
        cells[n++] = c;
        p = next;
    }
    return n;
}

void test_insert_incidents(struct db *db, const struct test_incident *in, size_t n)
{
    struct bh_error err;
    for (size_t i = 0; i < n; i++) {
        char sql[96];
        snprintf(sql, sizeof sql, "SELECT id FROM org WHERE code = '%s'", in[i].owner);
        struct incident_row r = {
            .id = in[i].id,
            .mission = in[i].mission,
            .occurred_at = in[i].when,
            .occurred_precision = "exact",
            .reported_at = in[i].when,
            .latitude = in[i].lat,
            .longitude = in[i].lon,
            .location_precision = "exact",
            .threat_type = "ied",
            .target = "convoy",
            .activity = "patrolling",
            .narrative = in[i].narrative,
            .status = in[i].status ? in[i].status : "endorsed",
            .owner_org_id = test_query_int(db, sql),
            .reporter = "fixture",
            .tlp = in[i].tlp,
            .source = "member",
        };
        must(incident_store_insert(db, &r, NULL, NULL, &err), &err, in[i].id);
    }
}

int test_import_file(struct db *db, test_importer fn, const char *path, struct import_report *r,
                     struct bh_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    struct principal cli;
    principal_cli(&cli);
    struct import_input in = { path, f, NULL, 0, 0 };
    import_report_init(r);
    memset(err, 0, sizeof *err);
    int rc = fn(db, &cli, &in, NULL, NULL, r, err);
    fclose(f);
    return rc;
}

void test_assert_import_at(struct db *db, test_importer fn, const char *path, const char *table,
                           int64_t added, int64_t updated, int64_t unchanged, int64_t rejected,
                           const char *file, int line)
{
    struct import_report r;
    struct bh_error err;
    int rc = test_import_file(db, fn, path, &r, &err);
    if (rc)
        test_fail_at(file, line, "import %s: %d %s", path, rc, err.message);
    if (table && (!r.table || strcmp(r.table, table) != 0))
        test_fail_at(file, line, "import %s: expected table %s, got %s", path, table,
                     r.table ? r.table : "(none)");
    if (r.added != added || r.updated != updated || r.unchanged != unchanged ||
        r.rejected != rejected) {
        char first[400] = "";
        if (r.rejected)
            snprintf(first, sizeof first, "; first rejected: line %ld: %s", r.rejections[0].line,
                     r.rejections[0].reason);
        test_fail_at(file, line,
                     "import %s: expected %lld added, %lld updated, %lld unchanged, %lld "
                     "rejected; got %lld, %lld, %lld, %lld%s",
                     path, (long long)added, (long long)updated, (long long)unchanged,
                     (long long)rejected, (long long)r.added, (long long)r.updated,
                     (long long)r.unchanged, (long long)r.rejected, first);
    }
    import_report_cleanup(&r);
}

void test_assert_rejections_at(const struct import_report *r, const struct test_rejection *want,
                               size_t n, const char *file, int line)
{
    if ((size_t)r->rejected < n)
        test_fail_at(file, line, "expected at least %zu rejected rows, got %lld", n,
                     (long long)r->rejected);
    for (size_t i = 0; i < n; i++) {
        if (r->rejections[i].line != want[i].line)
            test_fail_at(file, line, "rejection %zu: expected line %ld, got line %ld: %s", i,
                         want[i].line, r->rejections[i].line, r->rejections[i].reason);
        if (!strstr(r->rejections[i].reason, want[i].says))
            test_fail_at(file, line, "rejection %zu (line %ld): expected \"%s\" in: %s", i,
                         want[i].line, want[i].says, r->rejections[i].reason);
    }
}

const char *test_query_text(struct db *db, const char *sql)
{
    static char out[1024];
    struct db_stmt *st;
    struct bh_error err;
    if (db_prepare(db, sql, &st, &err))
        fail_msg("%s: %s", sql, err.message);
    int rc = db_step(st, &err);
    if (rc < 0)
        fail_msg("%s: %s", sql, err.message);
    const char *v = rc == DB_ROW ? db_column_text(st, 0) : "(no row)";
    snprintf(out, sizeof out, "%s", v ? v : "NULL");
    db_stmt_done(st);
    return out;
}

void test_gao_event(struct db *db, const char *tlp, struct event_row *e)
{
    *e = (struct event_row){
        .source = "ucdp",
        .source_id = "501",
        .occurred_at = "2023-07-01T00:00:00Z",
        .latitude = 16.5,
        .longitude = -0.2,
        .country_iso3 = "MLI",
        .threat_type = "ied",
        .source_type = "1",
        .owner_org_id = test_query_int(db, "SELECT id FROM org WHERE code = 'FRA'"),
        .tlp = tlp,
    };
}

void test_map_events(struct db *db)
{
    struct bh_error err;
    struct event_row e;
    test_gao_event(db, "GREEN", &e);
    e.country = "Mali";
    e.actor1 = "JNIM";
    e.notes = "Attack on a convoy near Gao.";
    must(event_store_upsert(db, &e, NULL, &err), &err, "event 501");
    e.source_id = "502";
    e.latitude = 6.2;
    e.longitude = 31.5;
    e.country = "South Sudan";
    e.country_iso3 = "SSD";
    e.notes = "Cattle raid.";
    must(event_store_upsert(db, &e, NULL, &err), &err, "event 502");
}

struct test_run test_cli_import(const char *db, const char *source, const char *file,
                                const char *opt1, const char *opt2)
{
    const char *args[8] = { "import", source, file, "--db", db };
    int n = 5;
    if (opt1)
        args[n++] = opt1;
    if (opt2)
        args[n++] = opt2;
    args[n] = NULL;
    return test_cli(args);
}

int64_t test_sharing_group(struct db *db, const char *name, int64_t owner, const int64_t *members,
                           int n)
{
    struct bh_error err;
    int64_t id = 0;
    must(db_exec_params(db,
                        "INSERT INTO sharing_group (name, owner_org_id, created_at) VALUES (?, ?, "
                        "'2026-01-01T00:00:00Z') RETURNING id",
                        DB_PARAMS(DB_TEXT(name), DB_INT(owner)), &id, NULL, &err),
         &err, name);
    for (int i = 0; i < n; i++)
        must(db_exec_params(db, "INSERT INTO sharing_group_member (group_id, org_id) VALUES (?, ?)",
                            DB_PARAMS(DB_INT(id), DB_INT(members[i])), NULL, NULL, &err),
             &err, name);
    return id;
}
