/* libFuzzer target: the configuration readers (base/config.c), fed arbitrary bytes.
 *
 * Each input is written to a file and read by config_load_file(), the path `--config FILE`
 * takes: libinih's stream parser, the line reader that counts lines and refuses overlong
 * ones, and every key's value parser. The same bytes, cut into lines, are then read as an
 * environment by config_load_env(). Besides crashes and sanitizer reports, a finding is a
 * broken promise of config.h: a source that fails must leave the configuration exactly as it
 * was (the readers work on a copy) and must say why; a source that succeeds must leave a
 * configuration that prints and checks without trouble.
 *
 * Run by tests/fuzz/run.sh (`make test`: the seeds in tests/fuzz/corpus/config once, then a
 * few seconds of fuzzing; `make fuzz`: longer). */
#include "base/config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Environment entries looked at per input: more lines than that add nothing a shorter
 * input would not find. */
#define ENV_MAX 64

static char dir[256];
static char path[300];
static FILE *sink;

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_config: %s: %s\n", what, detail);
    abort();
}

static void cleanup(void)
{
    unlink(path);
    rmdir(dir);
    if (sink)
        fclose(sink);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/bh-fuzz-config-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        die("mkdtemp", strerror(errno));
    snprintf(path, sizeof path, "%s/bluehelm.conf", dir);
    /* config_print writes somewhere real, so its formatting runs in full. */
    sink = fopen("/dev/null", "w");
    if (!sink)
        die("open /dev/null", strerror(errno));
    atexit(cleanup);
    return 0;
}

/* One reader's go at one source: the configuration it reads into, a copy of it as it was,
 * and the reader's error. */
struct attempt {
    struct bh_config c, before;
    struct bh_error err;
};

/* Readies `a` for a reader: defaults, their copy, no error. Returns the configuration. */
static struct bh_config *attempt_start(struct attempt *a)
{
    config_defaults(&a->c);
    memcpy(&a->before, &a->c, sizeof a->c);
    bh_error_clear(&a->err);
    return &a->c;
}

/* What every reader must do with a source: refuse it, leave the configuration as it was and
 * say why; or accept it and leave a configuration every other function takes. */
static void check_outcome(const char *reader, int rc, struct attempt *a)
{
    if (rc != 0) {
        if (memcmp(&a->before, &a->c, sizeof a->c) != 0)
            die(reader, "failed but changed the configuration");
        if (a->err.code != rc || !a->err.message[0])
            die(reader, "failed without saying why");
        return;
    }
    char value[CONFIG_PATH_MAX + 16];
    for (size_t i = 0; i < config_key_count(); i++) {
        config_value_string(&a->c, i, value, sizeof value);
        config_source_describe(&a->c, i, value, sizeof value);
    }
    config_print(&a->c, sink);
    struct bh_error check_err;
    if (config_check(&a->c, &check_err) != 0 && !check_err.message[0])
        die("config_check", "refused without saying why");
}

/* A new file per input, removed after: truncating the last one instead makes ext4 flush it to
 * disk (auto_da_alloc), which slowed the fuzzer twentyfold. */
static void fuzz_file(const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wbx");
    if (!f)
        die("rewrite the input file", strerror(errno));
    if (size && fwrite(data, 1, size, f) != size)
        die("write the input file", strerror(errno));
    if (fclose(f) != 0)
        die("close the input file", strerror(errno));

    struct attempt a;
    check_outcome("config_load_file", config_load_file(attempt_start(&a), path, &a.err), &a);
    unlink(path);
}

/* The input's lines (cut at newlines and NULs) as a NULL-terminated "KEY=VALUE" array. */
static void fuzz_env(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        die("malloc", "out of memory");
    memcpy(text, data, size);
    text[size] = '\0';
    char *envp[ENV_MAX + 1];
    size_t n = 0;
    char *line = text;
    for (size_t i = 0; i <= size && n < ENV_MAX; i++) {
        if (i == size || text[i] == '\n' || text[i] == '\0') {
            text[i] = '\0';
            envp[n++] = line;
            line = text + i + 1;
        }
    }
    envp[n] = NULL;

    struct attempt a;
    check_outcome("config_load_env", config_load_env(attempt_start(&a), envp, &a.err), &a);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_file(data, size);
    fuzz_env(data, size);
    return 0;
}
