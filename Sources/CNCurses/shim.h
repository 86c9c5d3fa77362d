// ncurses with its wide-character interface (Debian: libncurses-dev installs
// /usr/include/ncursesw/curses.h and libncursesw.so).
#ifndef HEADLAB_CNCURSES_SHIM_H
#define HEADLAB_CNCURSES_SHIM_H

#define NCURSES_WIDECHAR 1
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif

#include <locale.h>
#include <langinfo.h>
#include <wchar.h>
#if __has_include(<ncursesw/curses.h>)
#include <ncursesw/curses.h>
#else
#include <curses.h>
#endif

// Swift does not import function-like macros or macros built from other macros, so the
// attributes, key codes and mouse masks the terminal uses are re-exported as functions.
static inline attr_t headlab_attr_bold(void) { return A_BOLD; }
static inline attr_t headlab_attr_reverse(void) { return A_REVERSE; }
static inline attr_t headlab_attr_underline(void) { return A_UNDERLINE; }
static inline attr_t headlab_attr_dim(void) { return A_DIM; }
static inline attr_t headlab_attr_normal(void) { return A_NORMAL; }

static inline int headlab_key_f(int n) { return KEY_F(n); }
static inline int headlab_key_f0(void) { return KEY_F0; }

static inline mmask_t headlab_button1_pressed(void) { return BUTTON1_PRESSED; }
static inline mmask_t headlab_button1_clicked(void) { return BUTTON1_CLICKED; }

// The number of colour pairs and colours after start_color (variables in ncurses, but a
// reentrant build makes them functions; these work with either).
static inline int headlab_colors(void) { return COLORS; }
static inline int headlab_color_pairs(void) { return COLOR_PAIRS; }
static inline WINDOW *headlab_stdscr(void) { return stdscr; }

// The columns a wide character fills in the current locale (X/Open; glibc declares it only under
// _XOPEN_SOURCE, which the Glibc module is not built with).
extern int wcwidth(wchar_t c);
static inline int headlab_wcwidth(wchar_t c) { return wcwidth(c); }

#endif
