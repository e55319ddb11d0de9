#include "support.h"

#include "db/db.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

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
        for (const char *const *e = env_extra; e && *e; e++)
            putenv((char *)*e);
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

int64_t test_query_int(struct db *db, const char *sql)
{
    int64_t v;
    struct bh_error err;
    if (db_query_int(db, sql, -1, &v, &err))
        fail_msg("%s: %s", sql, err.message);
    return v;
}
