import Foundation
import Tokenizers
import XCTest

/// Loading failures give one-line messages naming the file (and line).
final class LoadingErrorTests: XCTestCase {
  private let goodVocabulary = #"{"a": 0, "b": 1, "c": 2, "ab": 3, "abc": 4, "<|endoftext|>": 5}"#
  private let goodMerges = "#version: 0.2\na b\nab c\n"

  private func pair(vocabulary: String, merges: String) throws -> (URL, URL) {
    let directory = try temporaryDirectory()
    let vocab = directory.appendingPathComponent("vocab.json")
    let mergesURL = directory.appendingPathComponent("merges.txt")
    try Data(vocabulary.utf8).write(to: vocab)
    try Data(merges.utf8).write(to: mergesURL)
    return (vocab, mergesURL)
  }

  private func loadError(vocabulary: String, merges: String) throws -> TokenizerError {
    let (vocab, mergesURL) = try pair(vocabulary: vocabulary, merges: merges)
    do {
      _ = try BPETokenizer(vocabularyFile: vocab, mergesFile: mergesURL)
    } catch let error as TokenizerError {
      return error
    }
    XCTFail("loading succeeded")
    return TokenizerError(.malformedFile, file: "", "")
  }

  private func jsonError(_ json: String) throws -> TokenizerError {
    let url = try temporaryFile("tokenizer.json", Data(json.utf8))
    do {
      _ = try BPETokenizer(tokenizerJSONFile: url)
    } catch let error as TokenizerError {
      return error
    }
    XCTFail("loading succeeded")
    return TokenizerError(.malformedFile, file: "", "")
  }

  func testSmallValidFilesLoad() throws {
    let (vocab, merges) = try pair(vocabulary: goodVocabulary, merges: goodMerges)
    let tokenizer = try BPETokenizer(vocabularyFile: vocab, mergesFile: merges)
    XCTAssertEqual(tokenizer.encode("abc"), [4])
    XCTAssertEqual(tokenizer.encode("cab<|endoftext|>"), [2, 3, 5])
    XCTAssertEqual(tokenizer.encode("x"), [], "bytes missing from the vocabulary are dropped, as in HF")
    XCTAssertEqual(tokenizer.vocabularySize, 6)
    let crlf = try pair(vocabulary: goodVocabulary, merges: "#version: 0.2\r\na b\r\nab c\r\n\r\n")
    XCTAssertEqual(try BPETokenizer(vocabularyFile: crlf.0, mergesFile: crlf.1).encode("abc"), [4])
  }

  func testMissingFile() throws {
    let directory = try temporaryDirectory()
    let (vocab, _) = try pair(vocabulary: goodVocabulary, merges: goodMerges)
    let missing = directory.appendingPathComponent("merges.txt")
    XCTAssertThrowsError(try BPETokenizer(vocabularyFile: vocab, mergesFile: missing)) { error in
      let error = error as? TokenizerError
      XCTAssertEqual(error?.kind, .fileNotFound)
      XCTAssertEqual(error?.file, "merges.txt")
      XCTAssertTrue(error?.description.hasPrefix("merges.txt: file not found at ") ?? false, "\(String(describing: error))")
      XCTAssertTrue(error?.description.contains(missing.path) ?? false)
    }
    XCTAssertThrowsError(try BPETokenizer(tokenizerJSONFile: directory.appendingPathComponent("tokenizer.json"))) { error in
      XCTAssertEqual((error as? TokenizerError)?.kind, .fileNotFound)
      XCTAssertEqual((error as? TokenizerError)?.file, "tokenizer.json")
    }
  }

  func testMalformedVocabulary() throws {
    for bad in ["[1, 2]", #"{"a": "zero"}"#, #"{"a": 1.5}"#, "{not json", ""] {
      let error = try loadError(vocabulary: bad, merges: goodMerges)
      XCTAssertEqual(error.description, "vocab.json: not a JSON object of string->int", bad)
      XCTAssertEqual(error.localizedDescription, error.description)
    }
    let duplicate = try loadError(vocabulary: #"{"a": 0, "b": 0}"#, merges: "#version: 0.2\n")
    XCTAssertEqual(duplicate.description, #"vocab.json: id 0 is given to both "a" and "b""#)
    let negative = try loadError(vocabulary: #"{"a": -1}"#, merges: "")
    XCTAssertEqual(negative.description, #"vocab.json: id -1 of "a" is out of range"#)
  }

  func testMalformedMergesLineIsNamed() throws {
    let merges = "#version: 0.2\na b\nab  c\n"
    let error = try loadError(vocabulary: goodVocabulary, merges: merges)
    XCTAssertEqual(error.kind, .malformedFile)
    XCTAssertEqual(error.line, 3)
    XCTAssertEqual(error.description, #"merges.txt line 3: expected two symbols separated by one space, found "ab  c""#)

    let single = try loadError(vocabulary: goodVocabulary, merges: "#version: 0.2\na b\nabc\n")
    XCTAssertEqual(single.description, #"merges.txt line 3: expected two symbols separated by one space, found "abc""#)

    let blank = try loadError(vocabulary: goodVocabulary, merges: "a b\n\nab c\n")
    XCTAssertEqual(blank.line, 2, "no #version header: line numbers still count from the top")
  }

  func testMergeSymbolsAndResultMustBeInVocabulary() throws {
    let unknownSymbol = try loadError(vocabulary: goodVocabulary, merges: "#version: 0.2\na b\nab d\n")
    XCTAssertEqual(unknownSymbol.description, #"merges.txt line 3: symbol "d" is not in the vocabulary"#)
    let noResult = try loadError(vocabulary: goodVocabulary, merges: "#version: 0.2\nb c\n")
    XCTAssertEqual(noResult.description, #"merges.txt line 2: merge result "bc" is not in the vocabulary"#)
  }

  func testTokenizerJSONErrors() throws {
    let model = #""model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": MERGES}"#
    let byteLevel = #""pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "use_regex": true}"#
    func file(_ merges: String, extra: String = byteLevel) -> String {
      "{" + model.replacingOccurrences(of: "MERGES", with: merges) + ", " + extra + "}"
    }
    let url = try temporaryFile("tokenizer.json", Data(file(#"[["a", "b"]]"#).utf8))
    XCTAssertEqual(try BPETokenizer(tokenizerJSONFile: url).encode("ab"), [2])

    XCTAssertEqual(try jsonError(file(#"[["a", "b"], "a"]"#)).description,
                   "tokenizer.json: model.merges[1]: expected two symbols")
    XCTAssertEqual(try jsonError(file(#"[["a", "b", "c"]]"#)).description,
                   "tokenizer.json: model.merges[0]: expected two symbols")
    XCTAssertEqual(try jsonError(file(#"["b a"]"#)).description,
                   #"tokenizer.json: model.merges[0]: merge result "ba" is not in the vocabulary"#)
    XCTAssertEqual(try jsonError(file(#"[["a", 3]]"#)).description,
                   #"tokenizer.json: model.merges[0]: expected "a b" or ["a", "b"]"#)
    XCTAssertEqual(try jsonError("{}").description, "tokenizer.json: model is missing")
    XCTAssertEqual(try jsonError("[").description, "tokenizer.json: not valid JSON")
    XCTAssertEqual(try jsonError(#"{"model": {"type": "WordPiece", "vocab": {}}}"#).kind, .unsupportedFeature)
    let metaspace = try jsonError(file("[]", extra: #""pre_tokenizer": {"type": "Metaspace"}"#))
    XCTAssertEqual(metaspace.description,
                   #"tokenizer.json: pre_tokenizer "Metaspace" is not supported (only GPT-2's ByteLevel)"#)
    let normalizer = try jsonError(file("[]", extra: byteLevel + #", "normalizer": {"type": "NFC"}"#))
    XCTAssertEqual(normalizer.description, #"tokenizer.json: normalizer "NFC" is not supported"#)
  }

  func testLoadDirectoryErrorsNameTheDirectory() throws {
    let empty = try temporaryDirectory()
    XCTAssertThrowsError(try BPETokenizer.load(directory: empty)) { error in
      XCTAssertEqual(error as? TokenizerError,
                     TokenizerError(.noTokenizerFiles, file: empty.path,
                                    "no tokenizer.json, and no vocab.json + merges.txt"))
      XCTAssertEqual((error as? TokenizerError)?.description,
                     "\(empty.path): no tokenizer.json, and no vocab.json + merges.txt")
    }
    try Data(goodVocabulary.utf8).write(to: empty.appendingPathComponent("vocab.json"))
    XCTAssertThrowsError(try BPETokenizer.load(directory: empty)) { error in
      XCTAssertEqual((error as? TokenizerError)?.message, "has vocab.json but no merges.txt (and no tokenizer.json)")
    }
    let nowhere = empty.appendingPathComponent("nowhere")
    XCTAssertThrowsError(try BPETokenizer.load(directory: nowhere)) { error in
      XCTAssertEqual((error as? TokenizerError)?.description, "\(nowhere.path): directory not found")
    }
    let gpt2 = try BPETokenizer.load(directory: TokenizerFixtures.gpt2Directory)
    XCTAssertEqual(gpt2.encode(" Mary"), [5335])
  }
}
