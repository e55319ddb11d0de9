/* The API's words in the reader's language (docs/i18n.md), through the real server: the same
 * bad request answered in English, French and Arabic with the same status, code and field;
 * Accept-Language's ranges and q-values; an unknown or malformed header falls back to English;
 * the signed-in user's own setting (PATCH /api/v1/me) for requests that name no language; the
 * vocabulary's labels translated with their codes unchanged. The expected words are the
 * server's own catalogs (i18n_tr_in), and each must differ from the English, so a string
 * missing from a catalog fails here. */
#include "api_helpers.h"
#include "world.h"

#include "base/i18n.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PW "language test password 2026"

static struct test_server server;
static char *store;
static char bearer[ACCOUNT_TOKEN_MAX + 32];

static const struct test_user users[] = {
    { "awa", "RWA", "focal_point", NULL, NULL, PW, "Awa Ndiaye" },
};

static int setup(void **state)
{
    (void)state;
    /* The launch group (init --seed): Rwanda is a member, MINUSCA a mission. */
    const struct test_world world = {
        .name = "api_languages", .seeded = 1, .password = PW, TEST_USERS(users)
    };
    store = test_world_store(&world);
    test_bearer_for(store, "awa", "languages", bearer, sizeof bearer);
    test_server_start(&server, store, NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    test_server_shutdown(&server);
    free(store);
    return 0;
}

static const char *jstr(json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

/* A sign-in without its password: 400, field "password", whatever the language. Returns the
 * problem (the caller decrefs). `headers` may be NULL. */
static json_t *unsigned_in(const char *headers)
{
    struct test_response r;
    char h[512];
    snprintf(h, sizeof h, "%s%s", TEST_JSON_CT, headers ? headers : "");
    test_call(server.port, h, "POST", "/api/v1/session", "{\"username\":\"awa\"}", &r);
    assert_problem(&r, 400, "password");
    json_t *p = body_json(&r);
    test_response_free(&r);
    return p;
}

/* The title and detail of `p` are those of `lang`'s catalog, and (for a language other than
 * English) not the English ones. */
static void expect_words(json_t *p, enum lang lang)
{
    assert_string_equal(jstr(p, "code"), "INVALID");
    assert_string_equal(jstr(p, "field"), "password");
    const char *title = i18n_tr_in(lang, "Bad Request");
    const char *detail = i18n_tr_in(lang, "'%s' is required");
    char want[256];
    snprintf(want, sizeof want, detail, "password");
    assert_string_equal(jstr(p, "title"), title);
    assert_string_equal(jstr(p, "detail"), want);
    if (lang != LANG_EN) {
        if (strcmp(title, "Bad Request") == 0 || strcmp(detail, "'%s' is required") == 0)
            fail_msg("the %s catalog does not translate this problem", i18n_lang_code(lang));
    }
}

/* api/language-same-problem: one bad request in English, French and Arabic: the same status,
 * code and field, and each language's words. */
static void same_problem(void **state)
{
    (void)state;
    json_t *en = unsigned_in(NULL);
    expect_words(en, LANG_EN);
    json_t *fr = unsigned_in("Accept-Language: fr-FR,fr;q=0.9,en;q=0.5\r\n");
    expect_words(fr, LANG_FR);
    json_t *ar = unsigned_in("Accept-Language: ar\r\n");
    expect_words(ar, LANG_AR);
    assert_int_equal(json_integer_value(json_object_get(ar, "status")), 400);
    json_decref(en);
    json_decref(fr);
    json_decref(ar);
}

/* api/language-accept-header: q-values choose, ranges match on their language, and a header
 * that names none of the six, or is malformed, leaves English. API replies say they vary by
 * it. */
static void accept_header(void **state)
{
    (void)state;
    static const struct {
        const char *header;
        enum lang want;
    } cases[] = {
        { "Accept-Language: de-DE, fr;q=0.4, ar;q=0.3\r\n", LANG_FR },
        { "Accept-Language: fr;q=0.2, es-419;q=0.8\r\n", LANG_ES },
        { "Accept-Language: zh-TW\r\n", LANG_ZH },
        { "Accept-Language: ru-RU;q=0\r\n", LANG_EN },
        { "Accept-Language: de, ja\r\n", LANG_EN },
        { "Accept-Language: fr;q=nope;;,,\r\n", LANG_EN },
        { "Accept-Language: \r\n", LANG_EN },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *p = unsigned_in(cases[i].header);
        if (strcmp(jstr(p, "title"), i18n_tr_in(cases[i].want, "Bad Request")) != 0)
            fail_msg("%s: title %s, expected the %s one", cases[i].header, jstr(p, "title"),
                     i18n_lang_code(cases[i].want));
        json_decref(p);
    }
    struct test_response r;
    test_call(server.port, "Accept-Language: fr\r\n", "GET", "/api/v1/vocabulary", NULL, &r);
    const char *vary = test_response_header(&r, "vary");
    if (!vary || !strstr(vary, "Accept-Language"))
        fail_msg("Vary: %s, expected it to name Accept-Language", vary ? vary : "(none)");
    test_response_free(&r);
}

/* PATCH /api/v1/me with `body`; returns the status. */
static int patch_me(const char *body, json_t **reply)
{
    struct test_response r;
    char h[512];
    snprintf(h, sizeof h, "%s%s", TEST_JSON_CT, bearer);
    test_call(server.port, h, "PATCH", "/api/v1/me", body, &r);
    int status = r.status;
    if (reply)
        *reply = body_json(&r);
    test_response_free(&r);
    return status;
}

/* The language of the session of awa's token, or "" when null. */
static void session_language(char *out, size_t cap)
{
    json_t *s = test_get_json(server.port, bearer, "/api/v1/session", 200);
    const char *l = jstr(json_object_get(s, "user"), "language");
    snprintf(out, cap, "%s", l ? l : "");
    json_decref(s);
}

/* The title of a problem answered to awa's token with `extra` headers (a PATCH with a bad
 * language: signed in, so her setting counts). The caller frees it. */
static char *title_for(const char *extra)
{
    struct test_response r;
    char h[768];
    snprintf(h, sizeof h, "%s%s%s", TEST_JSON_CT, bearer, extra ? extra : "");
    test_call(server.port, h, "PATCH", "/api/v1/me", "{\"language\":\"xx\"}", &r);
    assert_problem(&r, 400, "language");
    json_t *p = body_json(&r);
    char *title = strdup(jstr(p, "title"));
    json_decref(p);
    test_response_free(&r);
    return title;
}

/* api/language-user-setting: a user's own language answers the requests that name none;
 * Accept-Language still wins; a bad value is refused by name and changes nothing; null goes
 * back to following the browser. */
static void user_setting(void **state)
{
    (void)state;
    char lang[8];
    session_language(lang, sizeof lang);
    assert_string_equal(lang, "");
    json_t *reply = NULL;
    assert_int_equal(patch_me("{\"language\":\"fr\"}", &reply), 200);
    assert_string_equal(jstr(reply, "language"), "fr");
    json_decref(reply);
    session_language(lang, sizeof lang);
    assert_string_equal(lang, "fr");

    char *t = title_for(NULL);
    assert_string_equal(t, i18n_tr_in(LANG_FR, "Bad Request"));
    free(t);
    t = title_for("Accept-Language: ar\r\n");
    assert_string_equal(t, i18n_tr_in(LANG_AR, "Bad Request"));
    free(t);
    /* A header naming none of ours leaves her setting. */
    t = title_for("Accept-Language: de\r\n");
    assert_string_equal(t, i18n_tr_in(LANG_FR, "Bad Request"));
    free(t);

    /* Refused, each naming the field; the setting stays French. */
    assert_int_equal(patch_me("{\"language\":\"fr-CA\"}", NULL), 400);
    assert_int_equal(patch_me("{\"language\":\"french\"}", NULL), 400);
    assert_int_equal(patch_me("{\"language\":3}", NULL), 400);
    assert_int_equal(patch_me("{}", NULL), 400);
    assert_int_equal(patch_me("{\"language\":\"fr\",\"theme\":\"dark\"}", NULL), 400);
    session_language(lang, sizeof lang);
    assert_string_equal(lang, "fr");

    assert_int_equal(patch_me("{\"language\":null}", NULL), 200);
    session_language(lang, sizeof lang);
    assert_string_equal(lang, "");
    t = title_for(NULL);
    assert_string_equal(t, "Bad Request");
    free(t);

    /* Anonymous callers have no setting to change. */
    struct test_response r;
    test_call(server.port, TEST_JSON_CT, "PATCH", "/api/v1/me", "{\"language\":\"fr\"}", &r);
    assert_problem(&r, 401, NULL);
    test_response_free(&r);
}

/* api/language-vocabulary: the vocabulary's labels come in the reader's language; its codes
 * (the object keys) are the same in every language. */
static void vocabulary(void **state)
{
    (void)state;
    json_t *en = test_get_json(server.port, NULL, "/api/v1/vocabulary", 200);
    json_t *fr = test_get_json(server.port, "Accept-Language: fr\r\n", "/api/v1/vocabulary", 200);
    const char *const groups[] = { "roles", "permissions", "org_kinds", "standings", "org_roles" };
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        json_t *a = json_object_get(en, groups[g]), *b = json_object_get(fr, groups[g]);
        assert_int_equal(json_object_size(a), json_object_size(b));
        const char *code;
        json_t *v;
        json_object_foreach(a, code, v)
        {
            if (!json_object_get(b, code))
                fail_msg("%s.%s is missing in French", groups[g], code);
        }
    }
    const char *fp_en = jstr(json_object_get(json_object_get(en, "roles"), "focal_point"), "label");
    const char *fp_fr = jstr(json_object_get(json_object_get(fr, "roles"), "focal_point"), "label");
    assert_string_equal(fp_fr, i18n_tr_in(LANG_FR, fp_en));
    if (strcmp(fp_fr, fp_en) == 0)
        fail_msg("the focal point's label is not translated: %s", fp_fr);
    const char *ms_fr = jstr(json_object_get(fr, "org_kinds"), "member_state");
    assert_string_equal(ms_fr, i18n_tr_in(LANG_FR, "Member state"));
    json_decref(en);
    json_decref(fr);
}

/* The organization `code` in the directory as `headers` ask for it (the caller decrefs). */
static json_t *org_as(const char *code, const char *headers)
{
    char path[64], h[768];
    snprintf(path, sizeof path, "/api/v1/orgs/%s", code);
    snprintf(h, sizeof h, "%s%s", bearer, headers ? headers : "");
    return test_get_json(server.port, h, path, 200);
}

/* api/language-mission-names: a mission of the seeded group is named as the UN names it in the
 * reader's language; its code, kind and acronym do not change. */
static void mission_names(void **state)
{
    (void)state;
    json_t *en = org_as("MINUSCA", NULL);
    const char *english = jstr(en, "name");
    assert_non_null(strstr(english, "Central African"));
    const enum lang langs[] = { LANG_FR, LANG_AR, LANG_ZH, LANG_RU, LANG_ES };
    for (size_t i = 0; i < sizeof langs / sizeof langs[0]; i++) {
        char h[64];
        snprintf(h, sizeof h, "Accept-Language: %s\r\n", i18n_lang_code(langs[i]));
        json_t *o = org_as("MINUSCA", h);
        assert_string_equal(jstr(o, "name"), i18n_tr_in(langs[i], english));
        if (strcmp(jstr(o, "name"), english) == 0)
            fail_msg("MINUSCA's name is not translated in %s", i18n_lang_code(langs[i]));
        assert_string_equal(jstr(o, "code"), "MINUSCA");
        assert_string_equal(jstr(o, "kind"), "mission");
        json_decref(o);
    }
    json_decref(en);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("api/language-same-problem", same_problem),
        BH_TEST("api/language-accept-header", accept_header),
        BH_TEST("api/language-user-setting", user_setting),
        BH_TEST("api/language-vocabulary", vocabulary),
        BH_TEST("api/language-mission-names", mission_names),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
