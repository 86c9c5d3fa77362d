import Foundation
import WorkbenchTUI
import XCTest

final class ThemeFileTests: XCTestCase {
  /// The repository's Themes/ folder.
  static let themes = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Themes")

  func testCommittedThemesParseAndCoverEveryRole() throws {
    for name in ["dark", "light", "mono"] {
      let theme = try ThemeFile.load(Self.themes.appendingPathComponent("\(name).json"))
      XCTAssertEqual(theme.name, name)
      XCTAssertEqual(Set(theme.styles.keys), Set(StyleRole.allCases), "\(name) styles every role")
    }
  }

  func testMonoUsesAttributesOnlyAndTellsRolesApart() throws {
    let mono = try ThemeFile.load(Self.themes.appendingPathComponent("mono.json"))
    XCTAssertEqual(mono.colors, 0)
    XCTAssertEqual(mono, mono.withoutColors, "no colours at all")
    let levels: [StyleRole] = [.heat1, .heat2, .heat3, .heat4, .heat5, .heat6, .cool1, .cool2, .cool3, .cool4, .cool5, .cool6]
    for (i, a) in levels.enumerated() {
      for b in levels[(i + 1)...] { XCTAssertNotEqual(mono.style(a), mono.style(b), "\(a) and \(b) must look different") }
    }
    XCTAssertNotEqual(mono.style(.selected), mono.style(.text))
  }

  /// WCAG 2 relative luminance of an xterm palette colour.
  private func luminance(_ index: Int) -> Double {
    let levels = [0, 95, 135, 175, 215, 255]
    let basic = [(0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229)]
    let rgb: (Int, Int, Int)
    if index < 8 { rgb = basic[index] } else if index < 16 { rgb = (255, 255, 255) } else if index < 232 {
      let cube = index - 16
      rgb = (levels[cube / 36], levels[(cube / 6) % 6], levels[cube % 6])
    } else { let grey = 8 + 10 * (index - 232); rgb = (grey, grey, grey) }
    func channel(_ value: Int) -> Double {
      let v = Double(value) / 255
      return v <= 0.03928 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4)
    }
    return 0.2126 * channel(rgb.0) + 0.7152 * channel(rgb.1) + 0.0722 * channel(rgb.2)
  }

  func testColourThemesKeepValuesReadableAndLevelsOrdered() throws {
    for name in ["dark", "light"] {
      let theme = try ThemeFile.load(Self.themes.appendingPathComponent("\(name).json"))
      XCTAssertEqual(theme.colors, 256)
      for role in StyleRole.allCases {
        let style = theme.style(role)
        guard case .index(let fg) = style.foreground, case .index(let bg) = style.background else { continue }
        let (a, b) = (luminance(fg), luminance(bg))
        let contrast = (max(a, b) + 0.05) / (min(a, b) + 0.05)
        XCTAssertGreaterThanOrEqual(contrast, 4.5, "\(name) \(role): \(fg) on \(bg)")
      }
      for scale in [[StyleRole.heat1, .heat2, .heat3, .heat4, .heat5, .heat6], [.cool1, .cool2, .cool3, .cool4, .cool5, .cool6]] {
        let backgrounds: [Double] = scale.map {
          guard case .index(let bg) = theme.style($0).background else { XCTFail("\(name) \($0) has no palette background"); return 0 }
          return luminance(bg)
        }
        let rising = zip(backgrounds, backgrounds.dropFirst()).allSatisfy { $0 < $1 }
        let falling = zip(backgrounds, backgrounds.dropFirst()).allSatisfy { $0 > $1 }
        XCTAssertTrue(rising || falling, "\(name) \(scale.first!)...: background lightness must change monotonically, got \(backgrounds)")
      }
    }
  }

  private func parse(_ json: String) -> ThemeFileError? {
    do {
      _ = try ThemeFile.parse(Data(json.utf8), file: "bad.json")
      return nil
    } catch let error as ThemeFileError {
      return error
    } catch {
      XCTFail("unexpected \(error)")
      return nil
    }
  }

  private let head = #""format": "headlab.theme/1", "name": "t", "colors": 256"#

  func testParsesColoursAndAttributes() throws {
    let theme = try ThemeFile.parse(Data(#"{\#(head), "roles": {"heat3": {"fg": "white", "bg": 124, "bold": true, "dim": false}, "text": {"bg": "bright-blue"}}}"#.utf8), file: "t.json")
    XCTAssertEqual(theme.style(.heat3), RoleStyle(foreground: .index(7), background: .index(124), bold: true))
    XCTAssertEqual(theme.style(.text), RoleStyle(background: .index(12)))
    XCTAssertEqual(theme.style(.selected), RoleStyle(), "a role left out is plain")
  }

  func testMalformedFilesGiveNamedErrors() {
    let cases: [(json: String, role: String?, key: String?, mentions: String)] = [
      (#"{"format": "headlab.theme/1", "#, nil, nil, "not valid JSON"),
      (#"[1]"#, nil, nil, "top level"),
      (#"{"name": "t", "colors": 256, "roles": {}}"#, nil, "format", "missing"),
      (#"{"format": "headlab.theme/2", "name": "t", "colors": 256, "roles": {}}"#, nil, "format", "headlab.theme/2"),
      (#"{"format": "headlab.theme/1", "colors": 256, "roles": {}}"#, nil, "name", "missing"),
      (#"{"format": "headlab.theme/1", "name": "t", "colors": 100, "roles": {}}"#, nil, "colors", "0, 8, 16, 256"),
      (#"{\#(head), "roles": {}, "colour": 1}"#, nil, "colour", "unknown key"),
      (#"{\#(head)}"#, nil, "roles", "missing"),
      (#"{\#(head), "roles": {"heat7": {}}}"#, "heat7", nil, "unknown role"),
      (#"{\#(head), "roles": {"heat3": "red"}}"#, "heat3", nil, "must be an object"),
      (#"{\#(head), "roles": {"heat3": {"bg": 300}}}"#, "heat3", "bg", "0-255"),
      (#"{\#(head), "roles": {"heat3": {"bg": 1.5}}}"#, "heat3", "bg", "0-255"),
      (#"{\#(head), "roles": {"heat3": {"fg": "orange"}}}"#, "heat3", "fg", "\"orange\" is not a colour"),
      (#"{\#(head), "roles": {"heat3": {"fg": true}}}"#, "heat3", "fg", "must be"),
      (#"{\#(head), "roles": {"title": {"bold": 1}}}"#, "title", "bold", "true or false"),
      (#"{\#(head), "roles": {"title": {"italic": true}}}"#, "title", "italic", "unknown key"),
      (#"{"format": "headlab.theme/1", "name": "t", "colors": 8, "roles": {"dim": {"fg": 244}}}"#, "dim", "fg", "outside the theme's 8 colours"),
      (#"{"format": "headlab.theme/1", "name": "t", "colors": 0, "roles": {"dim": {"fg": "red"}}}"#, "dim", "fg", "attributes only"),
    ]
    for (json, role, key, mentions) in cases {
      guard let error = parse(json) else { XCTFail("accepted \(json)"); continue }
      XCTAssertEqual(error.file, "bad.json")
      XCTAssertEqual(error.role, role, json)
      XCTAssertEqual(error.key, key, json)
      XCTAssertTrue(error.description.hasPrefix("bad.json"), error.description)
      XCTAssertTrue(error.description.contains(mentions), "\(error) should mention \(mentions)")
    }
    XCTAssertEqual(ThemeFileError(file: "f.json", role: "heat3", key: "bg", problem: "p").description, #"f.json: role "heat3", key "bg": p"#)
  }

  func testUnreadableFileIsNamed() {
    XCTAssertThrowsError(try ThemeFile.load(URL(fileURLWithPath: "/nonexistent/x.json"))) { error in
      XCTAssertTrue("\(error)".hasPrefix("/nonexistent/x.json: cannot read"), "\(error)")
    }
  }
}
