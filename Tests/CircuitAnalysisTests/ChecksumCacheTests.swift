import CircuitAnalysis
import Foundation
import TransformerEngine
import XCTest

final class ChecksumCacheTests: XCTestCase {
  /// The first call hashes and records; an unchanged file is answered from the cache (a planted
  /// entry proves it); a changed file is hashed again.
  func testUnchangedFilesComeFromTheCacheAndChangedOnesAreHashedAgain() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("headlab-checksum-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("model.safetensors"), cache = directory.appendingPathComponent("cache/weights-sha256.json")
    try Data("weights one".utf8).write(to: file)
    let first = try ChecksumCache.sha256(of: file, cache: cache)
    XCTAssertEqual(first, SHA256.hex(Data("weights one".utf8)))
    var entries = try JSONDecoder().decode([String: ChecksumCache.Entry].self, from: Data(contentsOf: cache))
    let key = file.resolvingSymlinksInPath().path
    let entry = try XCTUnwrap(entries[key])
    entries[key] = ChecksumCache.Entry(size: entry.size, modified: entry.modified, sha256: "planted")
    try JSONEncoder().encode(entries).write(to: cache)
    XCTAssertEqual(try ChecksumCache.sha256(of: file, cache: cache), "planted")
    try Data("weights two, longer".utf8).write(to: file)
    XCTAssertEqual(try ChecksumCache.sha256(of: file, cache: cache), SHA256.hex(Data("weights two, longer".utf8)))
    // An unreadable cache only means hashing again.
    try Data("not json".utf8).write(to: cache)
    XCTAssertEqual(try ChecksumCache.sha256(of: file, cache: cache), SHA256.hex(Data("weights two, longer".utf8)))
  }
}
