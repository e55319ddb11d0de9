#include "cli/import_common.h"

#include "base/i18n.h"
#include "base/timeutil.h"
#include "cli/cli.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cli_import_open(const char *cmd, const char *path, struct import_input *in)
{
    memset(in, 0, sizeof *in);
    in->name = path;
    if (strcmp(path, "-") == 0) {
        in->file = stdin;
        in->name = "stdin";
    } else if (!(in->file = fopen(path, "rb"))) {
        cli_error(_("%s: cannot open %s: %s"), cmd, path, strerror(errno));
        return CLI_FAILED;
    }
    struct stat sb;
    if (fstat(fileno(in->file), &sb) == 0 && S_ISREG(sb.st_mode))
        in->size = (uint64_t)sb.st_size;
    return 0;
}

void cli_import_close(struct import_input *in)
{
    if (in->file && in->file != stdin)
        fclose(in->file);
    in->file = NULL;
}

static void print_place(FILE *out, const struct import_problem *p)
{
    if (p->label)
        fputs(p->label, out);
    else if (p->feature >= 0)
        fprintf(out, _("feature %ld (line %ld)"), p->feature, p->line);
    else
        fprintf(out, _("line %ld"), p->line);
}

void cli_print_rejections(FILE *out, const struct import_report *r)
{
    for (size_t i = 0; i < r->nrejections; i++) {
        const struct import_problem *p = &r->rejections[i];
        print_place(out, p);
        if (!p->label && p->field[0])
            fprintf(out, ": %s", p->field);
        fprintf(out, ": %s\n", p->reason);
    }
    if ((int64_t)r->nrejections < r->rejected)
        fprintf(out, _("... and %lld more rejected records\n"),
                (long long)(r->rejected - (int64_t)r->nrejections));
}

void cli_print_warnings(FILE *out, const struct import_report *r)
{
    for (size_t i = 0; i < r->nwarnings; i++) {
        print_place(out, &r->warnings[i]);
        /* TRANSLATORS: after the place of a warning ("line 12", "feature 3 (line 40)"). */
        fprintf(out, _(": warning: %s\n"), r->warnings[i].reason);
    }
}

/* Redraws at most this often: a terminal that repaints for every block slows a fast import. */
#define REDRAW_MS 100

void cli_progress_init(struct cli_progress *p, const char *name, const char *unit)
{
    memset(p, 0, sizeof *p);
    p->name = name;
    p->unit = unit;
    p->tty = isatty(STDERR_FILENO);
}

import_progress_fn cli_progress_fn(const struct cli_progress *p)
{
    return p->tty ? cli_progress_update : NULL;
}

static void draw(struct cli_progress *p, uint64_t done, uint64_t total, int64_t records)
{
    if (total) {
        uint64_t pct = done >= total ? 100 : done * 100 / total;
        char bar[31];
        size_t fill = (size_t)(pct * 30 / 100);
        memset(bar, '#', fill);
        memset(bar + fill, '.', 30 - fill);
        bar[30] = '\0';
        fprintf(stderr, "\r%s [%s] %3u%% %lld %s", p->name, bar, (unsigned)pct, (long long)records,
                _(p->unit));
    } else {
        fprintf(stderr, "\r%s %lld %s, %llu KiB", p->name, (long long)records, _(p->unit),
                (unsigned long long)(done / 1024));
    }
    fflush(stderr);
    p->drawn = true;
}

void cli_progress_update(void *ctx, uint64_t done, uint64_t total, int64_t records)
{
    struct cli_progress *p = ctx;
    int64_t now = time_mono_ms();
    if (p->drawn && now - p->last_ms < REDRAW_MS)
        return;
    p->last_ms = now;
    draw(p, done, total, records);
}

void cli_progress_end(struct cli_progress *p, bool ok, uint64_t total, int64_t records)
{
    if (!p->tty)
        return;
    if (ok) {
        draw(p, total, total, records);
        fputc('\n', stderr);
    } else if (p->drawn) {
        fputs("\r\033[K", stderr);
    }
    p->drawn = false;
}
