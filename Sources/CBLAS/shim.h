// OpenBLAS's C interface (Debian: libopenblas-dev installs it as /usr/include/x86_64-linux-gnu/cblas.h).
#include <cblas.h>

// OpenBLAS's runtime kernel selection (DYNAMIC_ARCH builds, as Debian's): drop the chosen kernel
// table, then choose again (reading OPENBLAS_CORETYPE). Only safe before the first BLAS call.
void gotoblas_dynamic_init(void);
void gotoblas_dynamic_quit(void);
