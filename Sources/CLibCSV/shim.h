#ifndef GOVSTATS_CLIBCSV_SHIM_H
#define GOVSTATS_CLIBCSV_SHIM_H
// Debian's libcsv-dev installs /usr/include/csv.h and ships no pkg-config file.
#include <csv.h>
#endif
