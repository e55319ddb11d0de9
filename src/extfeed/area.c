/* Whether a CAP area touches a mission's box. Plane geometry on degrees: the areas are tens to
 * hundreds of kilometres across and "touches" is a screening question (is this alert
 * context for that mission?), so an equirectangular approximation is close enough and keeps
 * the code small. */
#include "extfeed/extfeed.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define KM_PER_DEG 111.32

void extfeed_box_around(double lat, double lon, double radius_km, double box[4])
{
    double dlat = radius_km / KM_PER_DEG;
    double c = cos(lat * 3.14159265358979323846 / 180.0);
    double dlon = c > 0.01 ? radius_km / (KM_PER_DEG * c) : 180.0;
    box[0] = fmax(lon - dlon, -180.0);
    box[1] = fmax(lat - dlat, -90.0);
    box[2] = fmin(lon + dlon, 180.0);
    box[3] = fmin(lat + dlat, 90.0);
}

static bool in_box(double lon, double lat, const double b[4])
{
    return lon >= b[0] && lon <= b[2] && lat >= b[1] && lat <= b[3];
}

/* Reads "lat,lon lat,lon ..." (the CAP reader has checked it) into xs (lon) and ys (lat). */
static size_t read_points(const char *s, double **xs, double **ys)
{
    size_t cap = 16, n = 0;
    *xs = malloc(cap * sizeof **xs);
    *ys = malloc(cap * sizeof **ys);
    while (s && *s) {
        char *end;
        double lat = strtod(s, &end);
        if (end == s || *end != ',')
            break;
        s = end + 1;
        double lon = strtod(s, &end);
        if (end == s)
            break;
        s = end;
        while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
            s++;
        if (n == cap) {
            cap *= 2;
            *xs = realloc(*xs, cap * sizeof **xs);
            *ys = realloc(*ys, cap * sizeof **ys);
        }
        (*xs)[n] = lon;
        (*ys)[n] = lat;
        n++;
    }
    return n;
}

static bool point_in_polygon(double x, double y, const double *xs, const double *ys, size_t n)
{
    bool in = false;
    for (size_t i = 0, j = n - 1; i < n; j = i++)
        if ((ys[i] > y) != (ys[j] > y) &&
            x < (xs[j] - xs[i]) * (y - ys[i]) / (ys[j] - ys[i]) + xs[i])
            in = !in;
    return in;
}

static double cross(double ax, double ay, double bx, double by, double cx, double cy)
{
    return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

static bool segments_cross(double ax, double ay, double bx, double by, double cx, double cy,
                           double dx, double dy)
{
    double d1 = cross(cx, cy, dx, dy, ax, ay), d2 = cross(cx, cy, dx, dy, bx, by);
    double d3 = cross(ax, ay, bx, by, cx, cy), d4 = cross(ax, ay, bx, by, dx, dy);
    return ((d1 > 0) != (d2 > 0) || d1 == 0 || d2 == 0) &&
           ((d3 > 0) != (d4 > 0) || d3 == 0 || d4 == 0) && fmin(ax, bx) <= fmax(cx, dx) &&
           fmin(cx, dx) <= fmax(ax, bx) && fmin(ay, by) <= fmax(cy, dy) &&
           fmin(cy, dy) <= fmax(ay, by);
}

/* A polygon meets a box when a vertex is inside it, the box's centre is inside the polygon
 * (a polygon around the whole box), or an edge crosses one of the box's edges. */
static bool polygon_touches(const char *text, const double b[4])
{
    double *xs, *ys;
    size_t n = read_points(text, &xs, &ys);
    bool hit = false;
    for (size_t i = 0; i < n && !hit; i++)
        hit = in_box(xs[i], ys[i], b);
    if (!hit && n >= 3)
        hit = point_in_polygon((b[0] + b[2]) / 2, (b[1] + b[3]) / 2, xs, ys, n);
    const double bx[5] = { b[0], b[2], b[2], b[0], b[0] }, by[5] = { b[1], b[1], b[3], b[3], b[1] };
    for (size_t i = 0; i + 1 < n && !hit; i++)
        for (int k = 0; k < 4 && !hit; k++)
            hit = segments_cross(xs[i], ys[i], xs[i + 1], ys[i + 1], bx[k], by[k], bx[k + 1],
                                 by[k + 1]);
    free(xs);
    free(ys);
    return hit;
}

/* A circle "lat,lon radius_km" meets a box when the box's nearest point is within the radius. */
static bool circle_touches(const char *text, const double b[4])
{
    char *end;
    double lat = strtod(text, &end);
    if (*end != ',')
        return false;
    double lon = strtod(end + 1, &end);
    double r = strtod(end, NULL);
    double nx = fmin(fmax(lon, b[0]), b[2]), ny = fmin(fmax(lat, b[1]), b[3]);
    double dx = (nx - lon) * KM_PER_DEG * cos(lat * 3.14159265358979323846 / 180.0),
           dy = (ny - lat) * KM_PER_DEG;
    return sqrt(dx * dx + dy * dy) <= r;
}

bool extfeed_area_touches(const struct cap_area *area, const double box[4])
{
    for (size_t i = 0; i < area->npolygons; i++)
        if (polygon_touches(area->polygons[i], box))
            return true;
    for (size_t i = 0; i < area->ncircles; i++)
        if (circle_touches(area->circles[i], box))
            return true;
    return false;
}
