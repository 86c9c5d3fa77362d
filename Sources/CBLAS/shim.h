// OpenBLAS's C interface (Debian: libopenblas-dev installs it as /usr/include/x86_64-linux-gnu/cblas.h).
#include <cblas.h>

// OpenBLAS's runtime kernel selection (DYNAMIC_ARCH builds, as Debian's): drop the chosen kernel
// table, then choose again (reading OPENBLAS_CORETYPE). Only safe before the first BLAS call.
void gotoblas_dynamic_init(void);
void gotoblas_dynamic_quit(void);

// LAPACK routines OpenBLAS also exports (reference LAPACK built with gfortran: column-major, every
// argument by pointer, and one hidden length per character argument at the end). Used in double
// precision for the weight analyses' small problems (CircuitAnalysis/Weights/LAPACK.swift).
#include <stddef.h>
// QR factorisation A = QR of an m x n matrix (R in the upper triangle of a on return).
void dgeqrf_(const int *m, const int *n, double *a, const int *lda, double *tau, double *work,
             const int *lwork, int *info);
// Singular values (jobz "N") of an m x n matrix, divide and conquer.
void dgesdd_(const char *jobz, const int *m, const int *n, double *a, const int *lda, double *s,
             double *u, const int *ldu, double *vt, const int *ldvt, double *work, const int *lwork,
             int *iwork, int *info, size_t jobz_len);
// Eigenvalues (and optionally eigenvectors) of a general n x n matrix.
void dgeev_(const char *jobvl, const char *jobvr, const int *n, double *a, const int *lda,
            double *wr, double *wi, double *vl, const int *ldvl, double *vr, const int *ldvr,
            double *work, const int *lwork, int *info, size_t jobvl_len, size_t jobvr_len);
// Eigenvalues and eigenvectors (jobz "V") of a symmetric n x n matrix.
void dsyev_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w,
            double *work, const int *lwork, int *info, size_t jobz_len, size_t uplo_len);
// Cholesky factorisation A = UᵀU (uplo "U") of a symmetric positive definite n x n matrix.
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info, size_t uplo_len);
