#include "web/asset.h"

#include <string.h>

const struct web_asset *web_asset_find(const char *name)
{
    /* A handful of files: a linear scan is faster than anything cleverer. */
    if (!name || !*name || name[0] == '.' || strchr(name, '/'))
        return NULL;
    for (size_t i = 0; i < web_assets_count; i++)
        if (strcmp(web_assets[i].name, name) == 0)
            return &web_assets[i];
    return NULL;
}
