import CircuitAnalysis
import Foundation
import WorkbenchCore
import XCTest

/// Opening a session tells a missing model from one whose weights changed.
final class SessionModelCheckTests: XCTestCase {
  /// A model directory with a fake weight file; its SHA-256 is computed by `sha256sum`.
  private func modelDirectory(weights: String) throws -> (URL, String) {
    let directory = try SessionSamples.temporaryDirectory()
    try Data("{}".utf8).write(to: directory.appendingPathComponent("config.json"))
    let file = directory.appendingPathComponent("model.safetensors")
    try Data(weights.utf8).write(to: file)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
    process.arguments = [file.path]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    process.waitUntilExit()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    return (directory, String(output.prefix(64)))
  }

  func testTheSameWeightsAreFound() throws {
    let (directory, sum) = try modelDirectory(weights: "weights one")
    defer { try? FileManager.default.removeItem(at: directory) }
    let reference = SessionModelReference(reference: "tiny", directory: directory.path, sha256: sum)
    XCTAssertEqual(reference.check(), .found(directory: directory.path))
    XCTAssertEqual(try reference.check().requireFound().path, directory.path)
  }

  /// The saved directory is gone and the reference resolves to nothing: `missing`, naming both.
  func testAMissingModelIsReportedAsMissing() throws {
    let gone = FileManager.default.temporaryDirectory.appendingPathComponent("headlab-no-such-model-\(UUID().uuidString)")
    let reference = SessionModelReference(reference: gone.path, directory: gone.path, sha256: String(repeating: "0", count: 64))
    guard case .missing(let name, let directory, _) = reference.check() else { return XCTFail("\(reference.check())") }
    XCTAssertEqual([name, directory], [gone.path, gone.path])
    XCTAssertThrowsError(try reference.check().requireFound()) { error in
      let message = String(describing: error)
      XCTAssertTrue(message.contains("is missing") && message.contains(gone.path) && message.contains("continue with another model"), message)
    }
  }

  /// The saved directory is gone but the reference resolves elsewhere (here through a resolver):
  /// that model is used when its checksum matches.
  func testTheReferenceIsResolvedAgainWhenTheDirectoryMoved() throws {
    let (directory, sum) = try modelDirectory(weights: "weights moved")
    defer { try? FileManager.default.removeItem(at: directory) }
    let reference = SessionModelReference(reference: "tiny", directory: "/nonexistent/tiny", sha256: sum)
    XCTAssertEqual(reference.check(resolve: { $0 == "tiny" ? directory : URL(fileURLWithPath: "/nonexistent") }), .found(directory: directory.path))
  }

  /// Other weights in the directory: `checksumDiffers` with both digests.
  func testChangedWeightsAreReportedAsAChecksumMismatch() throws {
    let (directory, sum) = try modelDirectory(weights: "weights one")
    defer { try? FileManager.default.removeItem(at: directory) }
    let reference = SessionModelReference(reference: "tiny", directory: directory.path, sha256: sum)
    try Data("other, longer weights".utf8).write(to: directory.appendingPathComponent("model.safetensors"))
    let (_, newSum) = try modelDirectory(weights: "other, longer weights")
    XCTAssertEqual(reference.check(), .checksumDiffers(reference: "tiny", directory: directory.path, expected: sum, found: newSum))
    XCTAssertThrowsError(try reference.check().requireFound()) { error in
      let message = String(describing: error)
      XCTAssertTrue(message.contains("has changed") && message.contains(sum) && message.contains(newSum), message)
    }
  }
}
