import CNCurses
import WorkbenchTUI

/// What one `wget_wch` result means.
public enum CursesInput: Equatable, Sendable {
  case key(Key)
  /// KEY_MOUSE: read the event with `getmouse`.
  case mouse
  /// KEY_RESIZE: ncurses has already resized the standard screen.
  case resize
}

/// Decodes `wget_wch` results into `Key`s. `wget_wch` returns OK with a character (UTF-8 already
/// decoded by the locale) or KEY_CODE_YES with a KEY_* code (keypad mode).
public enum CursesKeyDecoder {
  /// The input for a `wget_wch` status and value; nil for keys the workbench has no name for.
  public static func decode(status: Int32, value: UInt32) -> CursesInput? {
    if status == KEY_CODE_YES { return decodeKeyCode(Int32(truncatingIfNeeded: value)) }
    if status == OK { return decodeCharacter(value).map(CursesInput.key) }
    return nil
  }

  /// A character read in raw mode: control bytes are keys of their own.
  public static func decodeCharacter(_ value: UInt32) -> Key? {
    switch value {
    case 9: return .tab
    case 10, 13: return .enter
    case 27: return .escape
    case 8, 127: return .backspace
    case 0: return .control("@")
    case 1...26: return .control(Character(Unicode.Scalar(UInt8(96 + value))))  // Ctrl-A .. Ctrl-Z
    case 28...31: return .control(Character(Unicode.Scalar(UInt8(64 + value))))  // Ctrl-\ ] ^ _
    default:
      guard let scalar = Unicode.Scalar(value) else { return nil }
      return .character(Character(scalar))
    }
  }

  /// A keypad code (KEY_*).
  public static func decodeKeyCode(_ code: Int32) -> CursesInput? {
    switch code {
    case KEY_UP: return .key(.up)
    case KEY_DOWN: return .key(.down)
    case KEY_LEFT: return .key(.left)
    case KEY_RIGHT: return .key(.right)
    case KEY_HOME: return .key(.home)
    case KEY_END: return .key(.end)
    case KEY_PPAGE: return .key(.pageUp)
    case KEY_NPAGE: return .key(.pageDown)
    case KEY_BTAB: return .key(.backTab)
    case KEY_BACKSPACE: return .key(.backspace)
    case KEY_DC: return .key(.delete)
    case KEY_ENTER: return .key(.enter)
    case KEY_RESIZE: return .resize
    case KEY_MOUSE: return .mouse
    case (headlab_key_f0() + 1)...(headlab_key_f0() + 63): return .key(.function(Int(code - headlab_key_f0())))
    default: return nil
    }
  }
}
