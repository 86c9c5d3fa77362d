import CursesTerminal
import WorkbenchTUI
import XCTest

final class CursesColorPlanTests: XCTestCase {
  private let theme = Theme(name: "t", colors: 256, styles: [
    .text: RoleStyle(),
    .heat3: RoleStyle(foreground: .index(231), background: .index(124), bold: true),
    .dim: RoleStyle(foreground: .index(244), dim: true),
    .selected: RoleStyle(reverse: true),
  ])

  func testOnePairPerColouredRole() {
    let plan = CursesColorPlan(theme: theme, capabilities: ColorCapabilities(colors: 256, pairs: 65536, defaultColors: true))
    let heat = plan.style(.heat3)
    XCTAssertEqual(heat, CursesRoleStyle(pair: StyleRole.allCases.firstIndex(of: .heat3)! + 1, foreground: 231, background: 124,
                                         attributes: RoleStyle(bold: true)))
    XCTAssertEqual(plan.style(.dim).background, -1, "an unset background is the terminal's own")
    XCTAssertEqual(plan.style(.text).pair, 0, "a role without colours uses the default pair")
    XCTAssertEqual(plan.style(.selected), CursesRoleStyle(attributes: RoleStyle(reverse: true)))
    let coloured = StyleRole.allCases.map { plan.style($0).pair }.filter { $0 > 0 }
    XCTAssertEqual(Set(coloured).count, coloured.count, "pairs are distinct")
  }

  func testEightColourTerminalGetsBasicColours() {
    let plan = CursesColorPlan(theme: theme, capabilities: ColorCapabilities(colors: 8, pairs: 64, defaultColors: true))
    XCTAssertEqual(plan.style(.heat3).foreground, 7)
    XCTAssertEqual(plan.style(.heat3).background, 1)
    XCTAssertEqual(plan.style(.dim).foreground, 0)
  }

  func testNoDefaultColoursFallBackToWhiteOnBlack() {
    let plan = CursesColorPlan(theme: theme, capabilities: ColorCapabilities(colors: 8, pairs: 64, defaultColors: false))
    XCTAssertEqual(plan.style(.dim).background, 0)
  }

  func testNoColourKeepsAttributesOnly() {
    for capabilities in [ColorCapabilities.none, ColorCapabilities(colors: 8, pairs: 16, defaultColors: true)] {
      let plan = CursesColorPlan(theme: theme, capabilities: capabilities)
      XCTAssertTrue(StyleRole.allCases.allSatisfy { plan.style($0).pair == 0 }, "\(capabilities)")
      XCTAssertEqual(plan.style(.heat3), CursesRoleStyle(attributes: RoleStyle(bold: true)))
      XCTAssertEqual(plan.style(.dim), CursesRoleStyle(attributes: RoleStyle(dim: true)))
    }
  }

  func testNoColorVariable() {
    XCTAssertTrue(ColorCapabilities.colorsDisabled(environment: ["NO_COLOR": "1"], terminalHasColors: true))
    XCTAssertFalse(ColorCapabilities.colorsDisabled(environment: ["NO_COLOR": ""], terminalHasColors: true), "an empty NO_COLOR does not count")
    XCTAssertFalse(ColorCapabilities.colorsDisabled(environment: [:], terminalHasColors: true))
    XCTAssertTrue(ColorCapabilities.colorsDisabled(environment: [:], terminalHasColors: false))
  }
}
