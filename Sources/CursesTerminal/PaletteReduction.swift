/// Maps xterm 256-colour palette indices onto terminals with fewer colours.
///
/// A terminal reporting `COLORS` 8 (the Linux console, `TERM=xterm`, `screen`) has only the eight
/// basic colours; a theme written for the 256-colour palette is drawn there by giving every index
/// it cannot show the nearest basic colour (`nearestBasic`). Indices the terminal has stay as they
/// are.
public enum PaletteReduction {
  /// The six channel levels of the xterm 6x6x6 colour cube (indices 16-231).
  static let cubeLevels = [0, 95, 135, 175, 215, 255]
  /// xterm's default values for the 16 system colours (0-7 basic, 8-15 bright).
  static let systemColours: [(Int, Int, Int)] = [
    (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
    (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
  ]

  /// The xterm RGB value (0-255 a channel) of palette index 0-255 (clamped).
  public static func rgb(_ index: Int) -> (red: Int, green: Int, blue: Int) {
    let i = max(0, min(255, index))
    if i < 16 { let c = systemColours[i]; return (c.0, c.1, c.2) }
    if i < 232 {
      let cube = i - 16
      return (cubeLevels[cube / 36], cubeLevels[(cube / 6) % 6], cubeLevels[cube % 6])
    }
    let grey = 8 + 10 * (i - 232)
    return (grey, grey, grey)
  }

  /// `index` on a terminal with `paletteSize` colours: unchanged when the terminal has it, the
  /// basic colour of the same hue for a bright system colour (8-15), and otherwise the nearest of
  /// the eight basic colours.
  public static func reduce(_ index: Int, paletteSize: Int) -> Int {
    if index < paletteSize { return index }
    if index < 16 { return index - 8 }
    let (r, g, b) = rgb(index)
    return nearestBasic(red: r, green: g, blue: b)
  }

  /// The basic colour (0 black, 1 red, 2 green, 3 yellow, 4 blue, 5 magenta, 6 cyan, 7 white)
  /// nearest to an RGB value. The basic colours are the corners of the RGB cube, so a plain
  /// distance sends every dark colour to black; instead a colour keeps its hue: a grey (saturation
  /// under 0.3) becomes black or white by luminance, any other colour switches on each channel
  /// that lies in the upper half of its own range (dark red 95,0,0 is red, pale yellow
  /// 255,255,175 is yellow).
  public static func nearestBasic(red: Int, green: Int, blue: Int) -> Int {
    let high = max(red, green, blue)
    let low = min(red, green, blue)
    if high == 0 || Double(high - low) / Double(high) < 0.3 {
      let luminance = 0.299 * Double(red) + 0.587 * Double(green) + 0.114 * Double(blue)
      return luminance >= 128 ? 7 : 0
    }
    let middle = Double(high + low) / 2
    return (Double(red) >= middle ? 1 : 0) | (Double(green) >= middle ? 2 : 0) | (Double(blue) >= middle ? 4 : 0)
  }
}
