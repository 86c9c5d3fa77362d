// OpenBLAS's C interface (Debian: libopenblas-dev installs it as /usr/include/x86_64-linux-gnu/cblas.h).
#include <cblas.h>

// OpenBLAS's runtime kernel selection (DYNAMIC_ARCH builds, as Debian's): drop the chosen kernel
// table, then choose again (reading OPENBLAS_CORETYPE). Only safe before the first BLAS call.
void gotoblas_dynamic_init(void);
void gotoblas_dynamic_quit(void);

// ---- LAPACK, Fortran symbols inside libopenblas (column-major; the trailing size_t is gfortran's
// hidden length of the character argument). Used by CircuitAnalysis/AttentionDecomposition. ----
void dgesdd_(const char *jobz, const int *m, const int *n, double *a, const int *lda, double *s,
             double *u, const int *ldu, double *vt, const int *ldvt, double *work, const int *lwork,
             int *iwork, int *info, size_t jobz_len);
// ---- end of the attention-decomposition LAPACK block ----
