import CircuitAnalysis
import Foundation
import WorkbenchCore
import XCTest

/// Session files: exact round trips, stable bytes, versions, and the errors a broken file gives.
final class SessionFileTests: XCTestCase {
  // MARK: Round trip

  /// Every number of every result survives a write and a read bit for bit, and writing the read
  /// session again gives the same bytes.
  func testRoundTripIsBitExact() throws {
    let session = try SessionSamples.session()
    let bytes = try SessionFile.encode(session)
    let read = try SessionFile.decode(bytes)
    XCTAssertEqual(read, session)
    let written = session.history.flatMap(\.results), reread = read.history.flatMap(\.results)
    XCTAssertEqual(written.count, 4)
    for (a, b) in zip(written, reread) {
      for grid in [(a.values, b.values), (a.stderr, b.stderr)] {
        XCTAssertEqual(grid.0?.cells.count, grid.1?.cells.count)
        for (x, y) in zip(grid.0?.cells ?? [], grid.1?.cells ?? []) {
          if let x = x.number, let y = y.number { XCTAssertEqual(x.bitPattern, y.bitPattern, "\(a.kind): \(x) came back as \(y)") } else { XCTAssertEqual(x, y) }
        }
      }
      XCTAssertEqual(a.sums?.sum.map(\.bitPattern), b.sums?.sum.map(\.bitPattern))
      XCTAssertEqual(a.metric?.corrupted?.bitPattern, b.metric?.corrupted?.bitPattern)
    }
    XCTAssertEqual(try SessionFile.encode(read), bytes)
    try SeedCorpus.write(bytes, name: "sample.json")
  }

  /// Keys are sorted at every level, so the same session gives the same bytes whatever order its
  /// dictionaries were filled in.
  func testKeysAreSortedAndBytesAreStable() throws {
    var a = try SessionSamples.session(), b = a
    a.view = [:]
    for key in ["zeta", "alpha", "mid"] { a.view[key] = .string(key) }
    b.view = [:]
    for key in ["mid", "zeta", "alpha"] { b.view[key] = .string(key) }
    let bytes = try SessionFile.encode(a)
    XCTAssertEqual(bytes, try SessionFile.encode(b))
    let text = String(decoding: bytes, as: UTF8.self)
    let topKeys = text.split(separator: "\n").compactMap { line -> String? in
      guard line.hasPrefix("  \""), !line.hasPrefix("   ") else { return nil }
      return String(line.dropFirst(3).prefix { $0 != "\"" })
    }
    XCTAssertEqual(topKeys, ["format", "history", "inputs", "interventions", "model", "tokenizer", "version", "view"])
    XCTAssertEqual(topKeys, topKeys.sorted())
    let alpha = try XCTUnwrap(text.range(of: "\"alpha\"")), mid = try XCTUnwrap(text.range(of: "\"mid\"")), zeta = try XCTUnwrap(text.range(of: "\"zeta\""))
    XCTAssertTrue(alpha.lowerBound < mid.lowerBound && mid.lowerBound < zeta.lowerBound)
    let object = try SessionSamples.object(bytes)
    XCTAssertEqual(object["format"] as? String, "headlab.session")
    XCTAssertEqual((object["version"] as? [String: Any])?["major"] as? Int, 1)
    XCTAssertEqual((object["version"] as? [String: Any])?["minor"] as? Int, 0)
    XCTAssertTrue(text.hasSuffix("}\n"))
  }

  // MARK: Versions

  /// A file from a newer minor version, with fields this version does not know at several levels,
  /// reads as the same session.
  func testNewerMinorVersionIsReadIgnoringUnknownFields() throws {
    let session = try SessionSamples.session()
    var text = String(decoding: try SessionFile.encode(session), as: UTF8.self)
    let edits: [(String, String)] = [
      ("\"minor\" : 0", "\"minor\" : 7"),
      ("\"format\" : \"headlab.session\",", "\"format\" : \"headlab.session\", \"added_top\" : {\"nested\" : [1, {\"x\" : null}]},"),
      ("\"reference\" : \"default\",", "\"reference\" : \"default\", \"added_model\" : \"revision 2\","),
      ("\"name\" : \"ioi\",", "\"name\" : \"ioi\", \"added_dataset\" : [\"template\", 3],"),
      ("\"ablations\" : [", "\"added_interventions\" : {\"patches\" : []}, \"ablations\" : ["),
      ("\"mode\" : \"zero\"", "\"added_ablation\" : 0.5, \"mode\" : \"zero\""),
      ("\"command\" : \"lens top=2\",", "\"command\" : \"lens top=2\", \"added_record\" : {\"duration_ms\" : 12},"),
      ("\"kind\" : \"lens.logit\",", "\"kind\" : \"lens.logit\", \"added_result\" : true,"),
      ("\"normalised\" : true", "\"added_metric\" : \"x\", \"normalised\" : true"),
      ("\"prompt\" : \"When Mary", "\"added_inputs\" : 1e400, \"prompt\" : \"When Mary"),
    ]
    for (old, new) in edits {
      XCTAssertNotNil(text.range(of: old), "the sample has no \(old)")
      text = text.replacingOccurrences(of: old, with: new)
    }
    XCTAssertEqual(try SessionFile.decode(Data(text.utf8)), session)
    try SeedCorpus.write(Data(text.utf8), name: "minor-7-extra-fields.json")
  }

  func testNewerMajorVersionIsRefusedNamingBothVersions() throws {
    var text = String(decoding: try SessionFile.encode(try SessionSamples.session()), as: UTF8.self)
    text = text.replacingOccurrences(of: "\"major\" : 1", with: "\"major\" : 2").replacingOccurrences(of: "\"minor\" : 0", with: "\"minor\" : 3")
    try SeedCorpus.write(Data(text.utf8), name: "major-2.json")
    XCTAssertThrowsError(try SessionFile.decode(Data(text.utf8), file: "ioi.session")) { error in
      XCTAssertEqual(error as? SessionFileError, .newerMajorVersion(file: "ioi.session", found: SessionVersion(major: 2, minor: 3), supported: SessionVersion(major: 1, minor: 0)))
      let message = String(describing: error)
      XCTAssertTrue(message.contains("2.3") && message.contains("1.0") && message.contains("ioi.session"), message)
    }
  }

  func testMissingOrWrongFormatIsRefused() throws {
    var object = try SessionSamples.object(try SessionFile.encode(try SessionSamples.session()))
    object["format"] = nil
    assertError(try SessionSamples.data(object), contains: "not a HeadLab session: it has no \"format\" field")
    object["format"] = "headlab.result/1"
    assertError(try SessionSamples.data(object), contains: "its format is \"headlab.result/1\", expected \"headlab.session\"")
    object["format"] = 1
    assertError(try SessionSamples.data(object), contains: "field format: expected a string")
    assertError(Data("{\"format\": \"headlab.session\", \"version\": {\"major\": 1}}".utf8), contains: "field version.minor: missing")
    assertError(Data("[1, 2]".utf8), contains: "the top level is not a JSON object")
    assertError(Data("{\"format\": \"headlab.session\"}".utf8), contains: "field version: missing")
  }

  // MARK: Broken files

  /// Syntax errors are reported at their line and column (counted in characters, 1-based).
  func testMalformedJSONGivesLineAndColumn() throws {
    let cases: [(String, Int, Int, String)] = [
      ("{\n  \"format\": \"headlab.session\",\n  \"version\": {\"major\": 1 \"minor\": 0}\n}", 3, 26, "expected ',' or '}'"),
      ("{\"a\": 1,}", 1, 9, "expected a string key"),
      ("{'format': 1}", 1, 2, "unexpected '''"),
      ("{\n\"prompt\": \"Märy\",\n\"x\": tru }", 3, 9, "expected 'true'"),
      ("{\"été\": \"ü\" ]", 1, 13, "expected ',' or '}'"),
      ("{\"a\": [1, 2,, 3]}", 1, 13, "expected a value"),
      ("{\"a\": 01}", 1, 8, "expected ',' or '}'"),
      ("{\"a\": \"tab\there\"}", 1, 11, "control character"),
      ("{\"a\": 1} {", 1, 10, "after the end of the JSON value"),
      ("{\"a\": \"\\x\"}", 1, 9, "invalid escape"),
    ]
    for (text, line, column, reason) in cases {
      XCTAssertThrowsError(try SessionFile.decode(Data(text.utf8), file: "s.json"), text) { error in
        guard case .malformedJSON(let file, let l, let c, let r)? = error as? SessionFileError else { return XCTFail("\(text): \(error)") }
        XCTAssertEqual(file, "s.json")
        XCTAssertEqual([l, c], [line, column], text)
        XCTAssertTrue(r.contains(reason), "\(text): \(r)")
        XCTAssertTrue(String(describing: error).contains("line \(line), column \(column)"))
      }
    }
    // A real file with one character broken: the error points at it.
    let text = String(decoding: try SessionFile.encode(try SessionSamples.session()), as: UTF8.self)
    var lines = text.components(separatedBy: "\n")
    let target = try XCTUnwrap(lines.firstIndex { $0.contains("\"kind\" : \"patch") })
    let column = try XCTUnwrap(lines[target].firstIndex(of: ":")).utf16Offset(in: lines[target]) + 1
    lines[target] = lines[target].replacingOccurrences(of: " : ", with: " = ")
    let broken = Data(lines.joined(separator: "\n").utf8)
    XCTAssertThrowsError(try SessionFile.decode(broken)) { error in
      XCTAssertEqual(error as? SessionFileError, .malformedJSON(file: "session", line: target + 1, column: column, reason: "unexpected '=', expected ':' after the key"))
    }
    try SeedCorpus.write(broken, name: "broken-colon.json")
  }

  /// A file cut short anywhere says it is truncated, with the place it ends.
  func testTruncatedFileSaysSo() throws {
    let bytes = try SessionFile.encode(try SessionSamples.session())
    for fraction in [0.01, 0.25, 0.5, 0.77, 0.999] {
      let cut = bytes.prefix(Int(Double(bytes.count) * fraction))
      XCTAssertThrowsError(try SessionFile.decode(Data(cut))) { error in
        guard case .truncated(_, let line, let column, _)? = error as? SessionFileError else { return XCTFail("cut at \(cut.count): \(error)") }
        let lines = String(decoding: cut, as: UTF8.self).components(separatedBy: "\n")
        XCTAssertEqual(line, lines.count)
        XCTAssertEqual(column, lines.last!.unicodeScalars.count + 1)
        XCTAssertTrue(String(describing: error).contains("the file is truncated"), "\(error)")
      }
      if fraction == 0.5 { try SeedCorpus.write(Data(cut), name: "truncated-half.json") }
    }
    assertError(Data(), contains: "the file is truncated: it ends at line 1, column 1, where a session object (the file is empty) was expected")
    assertError(Data("{\"format\": \"headl".utf8), contains: "the closing '\"' of the string that began at line 1, column 12")
  }

  /// A field of the wrong type, a missing field or an invalid value is named by its path.
  func testWrongFieldTypeNamesTheFieldPath() throws {
    let bytes = try SessionFile.encode(try SessionSamples.session())
    func edited(_ edit: (inout [String: Any]) -> Void) throws -> Data {
      var object = try SessionSamples.object(bytes)
      edit(&object)
      return try SessionSamples.data(object)
    }
    func record(_ object: inout [String: Any], _ index: Int, _ edit: (inout [String: Any]) -> Void) {
      var history = object["history"] as! [[String: Any]]
      edit(&history[index])
      object["history"] = history
    }
    func result(_ object: inout [String: Any], _ index: Int, _ edit: (inout [String: Any]) -> Void) {
      record(&object, index) { entry in
        var results = entry["results"] as! [[String: Any]]
        edit(&results[0])
        entry["results"] = results
      }
    }
    let cases: [(Data, String, String)] = [
      (try edited { o in result(&o, 3) { $0["values"] = true } }, "history[3].results[0].values", "a grid cell must be"),
      (try edited { o in result(&o, 1) { $0["values"] = [[1, 2], [3]] } }, "history[1].results[0].values", "ragged"),
      (try edited { o in result(&o, 1) { $0["elapsed_ms"] = "slow" } }, "history[1].results[0].elapsed_ms", "expected an integer"),
      (try edited { o in record(&o, 0) { $0["command"] = nil } }, "history[0].command", "missing"),
      (try edited { o in record(&o, 2) { $0["time"] = "yesterday" } }, "history[2].time", "is not a UTC time"),
      (try edited { o in o["model"] = ["reference": "default", "directory": "/m", "sha256": 5] }, "model.sha256", "expected a string"),
      (try edited { o in o["interventions"] = ["ablations": [["layer": "three", "head": 0, "mode": "zero"]]] }, "interventions.ablations[0].layer", "expected an integer"),
      (try edited { o in o["view"] = [1, 2] }, "view", "expected an object"),
      (try edited { o in o["history"] = ["entry"] }, "history[0]", "expected an object"),
    ]
    for (data, path, reason) in cases {
      XCTAssertThrowsError(try SessionFile.decode(data, file: "f.json"), path) { error in
        guard case .invalidField(let file, let p, let r)? = error as? SessionFileError else { return XCTFail("\(path): \(error)") }
        XCTAssertEqual(file, "f.json")
        XCTAssertEqual(p, path)
        XCTAssertTrue(r.contains(reason), "\(path): \(r)")
      }
    }
    try SeedCorpus.write(cases[0].0, name: "wrong-type.json")
  }

  private func assertError(_ data: Data, contains expected: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertThrowsError(try SessionFile.decode(data, file: "s.json"), file: file, line: line) { error in
      XCTAssertTrue(error is SessionFileError, "\(error)", file: file, line: line)
      XCTAssertTrue(String(describing: error).contains(expected), "\(error)\ndoes not contain\n\(expected)", file: file, line: line)
    }
  }
}

/// Writes the files the tests make into the fuzzer's seed corpus when
/// `HEADLAB_WRITE_SESSION_CORPUS` names a directory (see Fuzz/SessionReaderFuzz/README.md).
enum SeedCorpus {
  static func write(_ data: Data, name: String) throws {
    guard let directory = ProcessInfo.processInfo.environment["HEADLAB_WRITE_SESSION_CORPUS"] else { return }
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    try data.write(to: URL(fileURLWithPath: directory).appendingPathComponent(name))
  }
}
