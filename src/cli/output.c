/* Where an export goes: standard output, or a file written beside its final name and renamed
 * when whole, so a failed export neither leaves half a file nor destroys the one that was
 * there. */
#include "cli/cli.h"

#include "base/i18n.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_output_open(struct cli_output *o, const char *cmd, const char *path)
{
    o->path = path;
    o->fp = stdout;
    o->tmp[0] = '\0';
    if (!path)
        return CLI_OK;
    int fd = -1;
    if (snprintf(o->tmp, sizeof o->tmp, "%s.tmp-XXXXXX", path) < (int)sizeof o->tmp)
        fd = mkstemp(o->tmp);
    if (fd < 0 || !(o->fp = fdopen(fd, "w"))) {
        cli_error(_("%s: cannot write %s: %s"), cmd, path, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(o->tmp);
        }
        return CLI_FAILED;
    }
    return CLI_OK;
}

int cli_output_close(struct cli_output *o, int rc, struct bh_error *err)
{
    int werr = fflush(o->fp) != 0 || ferror(o->fp);
    if (o->path)
        werr |= fclose(o->fp) != 0;
    if (!rc && werr)
        rc = o->path ? bh_fail(err, BH_EIO, NULL, "cannot write %s: %s", o->path, strerror(errno))
                     : bh_fail(err, BH_EIO, NULL, "cannot write the output: %s", strerror(errno));
    if (!rc && o->path && rename(o->tmp, o->path) != 0)
        rc = bh_fail(err, BH_EIO, NULL, "cannot write %s: %s", o->path, strerror(errno));
    if (rc && o->path)
        unlink(o->tmp);
    return rc;
}
