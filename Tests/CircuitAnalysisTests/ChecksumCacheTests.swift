import CircuitAnalysis
import Foundation
import TransformerEngine
import XCTest

final class ChecksumCacheTests: XCTestCase {
  /// The first call hashes and records; an unchanged file is answered from the cache (a planted
  /// entry proves it); a changed file is hashed again, also when only its modification time tells.
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
    // A rewrite of the same size is caught by its modification time alone: plant an entry for the
    // current size and time, rewrite the file with other bytes of that size and a later time.
    entries = try JSONDecoder().decode([String: ChecksumCache.Entry].self, from: Data(contentsOf: cache))
    let sized = try XCTUnwrap(entries[key])
    entries[key] = ChecksumCache.Entry(size: sized.size, modified: sized.modified, sha256: "planted")
    try JSONEncoder().encode(entries).write(to: cache)
    XCTAssertEqual(try ChecksumCache.sha256(of: file, cache: cache), "planted")
    let sameSize = Data("weights 2!, longer ".utf8)
    XCTAssertEqual(sameSize.count, sized.size)
    try sameSize.write(to: file)
    try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: sized.modified + 60)], ofItemAtPath: file.path)
    XCTAssertEqual(try ChecksumCache.sha256(of: file, cache: cache), SHA256.hex(sameSize))
    // An unreadable cache only means hashing again.
    try Data("not json".utf8).write(to: cache)
    XCTAssertEqual(try ChecksumCache.sha256(of: file, cache: cache), SHA256.hex(sameSize))
  }
}
