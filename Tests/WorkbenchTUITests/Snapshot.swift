import Foundation
import XCTest
import WorkbenchTUI

/// Compares a screen with its committed snapshot in Resources/snapshots/NAME.txt. With
/// HEADLAB_UPDATE_SNAPSHOTS=1 it writes the snapshot instead; on a mismatch it writes the actual
/// screen to $TMPDIR/headlab-snapshots/NAME.txt and fails with the first differing line.
func assertSnapshot(_ text: String, named name: String, file: StaticString = #filePath, line: UInt = #line) {
  let folder = URL(fileURLWithPath: "\(file)").deletingLastPathComponent().appendingPathComponent("Resources/snapshots")
  let url = folder.appendingPathComponent("\(name).txt")
  if ProcessInfo.processInfo.environment["HEADLAB_UPDATE_SNAPSHOTS"] == "1" {
    try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try? Data(text.utf8).write(to: url)
    return
  }
  guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
    XCTFail("no snapshot \(url.path); run the test with HEADLAB_UPDATE_SNAPSHOTS=1 to write it", file: file, line: line)
    return
  }
  guard expected != text else { return }
  let out = FileManager.default.temporaryDirectory.appendingPathComponent("headlab-snapshots")
  try? FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
  try? Data(text.utf8).write(to: out.appendingPathComponent("\(name).txt"))
  let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
  let a = text.split(separator: "\n", omittingEmptySubsequences: false)
  let row = zip(e, a).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(e.count, a.count)
  XCTFail("screen \(name) differs from its snapshot at row \(row):\n  expected: \(row < e.count ? String(e[row]) : "(end)")\n  actual:   \(row < a.count ? String(a[row]) : "(end)")\nactual screen written to \(out.path)/\(name).txt", file: file, line: line)
}
