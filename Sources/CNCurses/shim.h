// ncurses with wide-character support (Debian: libncursesw5-dev).
#define _XOPEN_SOURCE_EXTENDED 1
#include <ncursesw/ncurses.h>
