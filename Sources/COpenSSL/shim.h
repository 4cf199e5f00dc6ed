#ifndef PURRPURR_COPENSSL_SHIM_H
#define PURRPURR_COPENSSL_SHIM_H

// The one header through which Swift sees OpenSSL 3 (libssl, libcrypto).
// Only `static inline` wrappers for macros and variadics Swift cannot call are added here,
// each prefixed `COpenSSL_`.

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#endif

// --- Wire/TLS (Sources/Wire/TLS): macros Swift cannot call. ---
#ifndef PURRPURR_COPENSSL_SHIM_TLS
#define PURRPURR_COPENSSL_SHIM_TLS

static inline uint64_t COpenSSL_TLS_context_options(void) {
    return SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION
        | SSL_OP_CIPHER_SERVER_PREFERENCE;
}

static inline int COpenSSL_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}

static inline int COpenSSL_SSL_CTX_set_max_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_max_proto_version(ctx, version);
}

static inline void COpenSSL_SSL_CTX_disable_session_cache(SSL_CTX *ctx) {
    (void)SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
}

static inline void COpenSSL_SSL_CTX_set_release_buffers(SSL_CTX *ctx) {
    (void)SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
}

static inline int COpenSSL_SSL_CTX_add1_chain_cert(SSL_CTX *ctx, X509 *cert) {
    return (int)SSL_CTX_add1_chain_cert(ctx, cert);
}

static inline int COpenSSL_SSL_set_tlsext_host_name(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}

#endif

// ---- Wire event loop and TCP (Sources/Wire/EventLoop, Sources/Wire/TCP) ----
// Linux system calls that Swift's Glibc module does not export: epoll, eventfd, and the GNU
// extensions accept4 and pthread_setname_np. Not OpenSSL, but COpenSSL is the only C module Wire imports.
#if defined(__linux__) && !defined(PURRPURR_WIRE_LOOP_SHIM)
#define PURRPURR_WIRE_LOOP_SHIM
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#if !defined(__USE_GNU)
extern int accept4(int fd, struct sockaddr *addr, socklen_t *addrlen, int flags);
extern int pthread_setname_np(pthread_t thread, const char *name);
#endif
/// accept4(2) with a plain `struct sockaddr *` (under _GNU_SOURCE glibc declares a transparent union).
static inline int COpenSSL_accept4(int fd, struct sockaddr *addr, socklen_t *addrlen, int flags) {
    return accept4(fd, addr, addrlen, flags);
}
/// Names the calling thread (at most 15 characters), for `top -H` and debuggers.
static inline int COpenSSL_setCurrentThreadName(const char *name) {
    return pthread_setname_np(pthread_self(), name);
}
#endif
