// libcurl for Swift, loaded on first use.
//
// Herald sends email through libcurl, but most installations never configure an email channel:
// linking libcurl would load it and its dependency closure (OpenSSL, GnuTLS, Kerberos, LDAP, …,
// about 7.5 MB of resident memory) into every daemon at start. So libcurl is opened with dlopen
// the first time an email is sent. curl_easy_setopt and curl_easy_getinfo are variadic, which
// Swift cannot call, so each argument type gets a typed inline wrapper here.
#ifndef HERALD_CCURL_SHIM_H
#define HERALD_CCURL_SHIM_H

#include <curl/curl.h>
#include <dlfcn.h>

typedef size_t (*herald_curl_io_callback)(char *buffer, size_t size, size_t count, void *context);

typedef struct {
    CURLcode (*global_init)(long flags);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *handle, CURLoption option, ...);
    CURLcode (*easy_perform)(CURL *handle);
    CURLcode (*easy_getinfo)(CURL *handle, CURLINFO info, ...);
    void (*easy_cleanup)(CURL *handle);
    const char *(*easy_strerror)(CURLcode code);
    struct curl_slist *(*slist_append)(struct curl_slist *list, const char *text);
    void (*slist_free_all)(struct curl_slist *list);
} herald_curl_api;

/// Opens libcurl.so.4 and fills `api`; returns 0 (and leaves the reason in dlerror) when it cannot.
static inline int herald_curl_load(herald_curl_api *api) {
    void *library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) return 0;
    api->global_init = (CURLcode (*)(long))dlsym(library, "curl_global_init");
    api->easy_init = (CURL * (*)(void)) dlsym(library, "curl_easy_init");
    api->easy_setopt = (CURLcode (*)(CURL *, CURLoption, ...))dlsym(library, "curl_easy_setopt");
    api->easy_perform = (CURLcode (*)(CURL *))dlsym(library, "curl_easy_perform");
    api->easy_getinfo = (CURLcode (*)(CURL *, CURLINFO, ...))dlsym(library, "curl_easy_getinfo");
    api->easy_cleanup = (void (*)(CURL *))dlsym(library, "curl_easy_cleanup");
    api->easy_strerror = (const char *(*)(CURLcode))dlsym(library, "curl_easy_strerror");
    api->slist_append = (struct curl_slist * (*)(struct curl_slist *, const char *)) dlsym(library, "curl_slist_append");
    api->slist_free_all = (void (*)(struct curl_slist *))dlsym(library, "curl_slist_free_all");
    return api->global_init && api->easy_init && api->easy_setopt && api->easy_perform && api->easy_getinfo
        && api->easy_cleanup && api->easy_strerror && api->slist_append && api->slist_free_all;
}

static inline const char *herald_curl_load_error(void) { return dlerror(); }

static inline CURLcode herald_curl_set_long(const herald_curl_api *api, CURL *handle, CURLoption option, long value) {
    return api->easy_setopt(handle, option, value);
}

static inline CURLcode herald_curl_set_string(
    const herald_curl_api *api, CURL *handle, CURLoption option, const char *value) {
    return api->easy_setopt(handle, option, value);
}

static inline CURLcode herald_curl_set_pointer(const herald_curl_api *api, CURL *handle, CURLoption option, void *value) {
    return api->easy_setopt(handle, option, value);
}

static inline CURLcode herald_curl_set_list(
    const herald_curl_api *api, CURL *handle, CURLoption option, struct curl_slist *value) {
    return api->easy_setopt(handle, option, value);
}

static inline CURLcode herald_curl_set_callback(
    const herald_curl_api *api, CURL *handle, CURLoption option, herald_curl_io_callback value) {
    return api->easy_setopt(handle, option, value);
}

static inline CURLcode herald_curl_response_code(const herald_curl_api *api, CURL *handle, long *code) {
    return api->easy_getinfo(handle, CURLINFO_RESPONSE_CODE, code);
}

#endif
