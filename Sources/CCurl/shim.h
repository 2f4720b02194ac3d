#ifndef HOP_CCURL_SHIM_H
#define HOP_CCURL_SHIM_H
#include <curl/curl.h>

/* curl_easy_setopt is variadic and cannot be called from Swift: one typed wrapper per argument kind. */
static inline CURLcode hop_curl_setopt_string(CURL *c, CURLoption o, const char *v) { return curl_easy_setopt(c, o, v); }
static inline CURLcode hop_curl_setopt_long(CURL *c, CURLoption o, long v) { return curl_easy_setopt(c, o, v); }
static inline CURLcode hop_curl_setopt_pointer(CURL *c, CURLoption o, void *v) { return curl_easy_setopt(c, o, v); }
static inline CURLcode hop_curl_setopt_slist(CURL *c, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(c, o, v); }
static inline CURLcode hop_curl_setopt_write_callback(CURL *c, CURLoption o, size_t (*cb)(char *, size_t, size_t, void *)) { return curl_easy_setopt(c, o, cb); }
static inline CURLcode hop_curl_setopt_read_callback(CURL *c, CURLoption o, size_t (*cb)(char *, size_t, size_t, void *)) { return curl_easy_setopt(c, o, cb); }
static inline CURLcode hop_curl_getinfo_long(CURL *c, CURLINFO i, long *v) { return curl_easy_getinfo(c, i, v); }
static inline CURLcode hop_curl_setopt_xferinfo_callback(CURL *c, int (*cb)(void *, curl_off_t, curl_off_t, curl_off_t, curl_off_t)) { return curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, cb); }
static inline CURLcode hop_curl_setopt_off(CURL *c, CURLoption o, curl_off_t v) { return curl_easy_setopt(c, o, v); }
#endif
