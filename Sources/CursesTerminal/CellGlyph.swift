import CNCurses

/// The wide characters ncurses draws for one cell's `Character`: one spacing character of
/// width 1 plus up to 4 combining marks (CCHARW_MAX is 5), NUL-terminated. A character that would
/// not fill exactly one column (a control character, a double-width CJK character or emoji) is
/// drawn as "?", so one cell stays one column and the grid never shifts.
public enum CellGlyph {
  /// [<= 6] wchar_t values ending in 0.
  public static func wideCharacters(_ character: Character) -> [wchar_t] {
    var result: [wchar_t] = []
    for (position, scalar) in character.unicodeScalars.enumerated() {
      let wide = wchar_t(bitPattern: scalar.value)
      let width = headlab_wcwidth(wide)
      if position == 0 ? width != 1 : width != 0 { return [wchar_t(63), 0] }
      if position == 4 { break }
      result.append(wide)
    }
    return result + [0]
  }
}
