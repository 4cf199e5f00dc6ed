#ifndef PURRPURR_CLIBPQ_SHIM_H
#define PURRPURR_CLIBPQ_SHIM_H

// The one header through which Swift sees libpq (PostgreSQL's client library).
// Only `static inline` wrappers for macros and variadics Swift cannot call are added here,
// each prefixed `CLibPQ_`.

#include <libpq-fe.h>

#endif
