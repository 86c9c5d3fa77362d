import Foundation
import Tokenizers
import XCTest

/// A small BPE trained with HF `tokenizers`, loaded from tokenizer.json
/// (with added tokens using lstrip/rstrip/single_word) and from vocab.json +
/// merges.txt.
final class TinyTokenizerTests: XCTestCase {
  private var reference: TinyReference!
  private var tokenizer: BPETokenizer!

  override func setUpWithError() throws {
    reference = try TokenizerFixtures.decodeJSON(TinyReference.self, "tiny_reference.json")
    tokenizer = try BPETokenizer(
      tokenizerJSONFile: TokenizerFixtures.tinyDirectory.appendingPathComponent("tokenizer.json"))
  }

  func testIdsMatchHuggingFace() {
    XCTAssertGreaterThanOrEqual(reference.cases.count, 50)
    for item in reference.cases {
      XCTAssertEqual(tokenizer.encode(item.text), item.ids, visible(item.text))
    }
  }

  func testSymbolsMatchHuggingFaceTokens() {
    for item in reference.cases {
      let symbols = tokenizer.encode(item.text).map { tokenizer.vocabularyEntry($0) ?? "?" }
      let expected = item.tokens.map { token in
        // HF reports an added token by its matched text (with stripped spaces).
        tokenizer.id(ofVocabularyEntry: token) != nil ? token : token.trimmingCharacters(in: .whitespacesAndNewlines)
      }
      XCTAssertEqual(symbols, expected, visible(item.text))
    }
  }

  func testDecodeMatchesHuggingFace() {
    for item in reference.cases {
      XCTAssertEqual(tokenizer.decode(item.ids), item.decoded, visible(item.text))
    }
    for item in reference.decode_cases {
      XCTAssertEqual(tokenizer.decode(item.ids), item.decoded, "ids \(item.ids)")
    }
  }

  func testAddPrefixSpaceMatchesHuggingFace() throws {
    let prefixed = try BPETokenizer(
      tokenizerJSONFile: TokenizerFixtures.tinyDirectory.appendingPathComponent("tokenizer_prefix_space.json"))
    for item in reference.cases {
      XCTAssertEqual(prefixed.encode(item.text), item.prefix_space_ids, visible(item.text))
    }
    XCTAssertNotEqual(prefixed.encode("The"), tokenizer.encode("The"))
  }

  func testVocabularySizeCountsAddedTokens() {
    XCTAssertEqual(tokenizer.vocabularySize, reference.vocabulary_size)
    XCTAssertEqual(tokenizer.addedTokens.count, 8)
    XCTAssertEqual(tokenizer.endOfTextID, 0)
  }

  /// vocab.json + merges.txt give what tokenizer.json gives, wherever the
  /// text has no added token other than <|endoftext|>.
  func testVocabMergesFilesAgreeWithTokenizerJSON() throws {
    let directory = TokenizerFixtures.tinyDirectory
    let fromFiles = try BPETokenizer(
      vocabularyFile: directory.appendingPathComponent("vocab.json"),
      mergesFile: directory.appendingPathComponent("merges.txt"))
    let others = ["<pad>", "<mask>", "<|\u{FC}|>", "[A]", "xyz", "[TAB]"]
    var compared = 0
    for item in reference.cases where !others.contains(where: item.text.contains) {
      XCTAssertEqual(fromFiles.encode(item.text), item.ids, visible(item.text))
      compared += 1
    }
    XCTAssertGreaterThan(compared, 25)
    XCTAssertEqual(fromFiles.endOfTextID, 0)
  }

  /// Older tokenizer.json files store merges as "a b" strings.
  func testLegacyStringMergesGiveSameResult() throws {
    let url = TokenizerFixtures.tinyDirectory.appendingPathComponent("tokenizer.json")
    var json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    var model = try XCTUnwrap(json["model"] as? [String: Any])
    let pairs = try XCTUnwrap(model["merges"] as? [[String]])
    XCTAssertGreaterThan(pairs.count, 100)
    model["merges"] = pairs.map { $0.joined(separator: " ") }
    json["model"] = model
    let legacy = try temporaryFile("tokenizer.json", JSONSerialization.data(withJSONObject: json))
    let fromLegacy = try BPETokenizer(tokenizerJSONFile: legacy)
    for item in reference.cases {
      XCTAssertEqual(fromLegacy.encode(item.text), item.ids, visible(item.text))
    }
  }

  /// GPT-2's real files rewritten as a tokenizer.json (string merges)
  /// tokenize like the two-file form.
  func testGPT2AsTokenizerJSONMatchesVocabMerges() throws {
    let directory = TokenizerFixtures.gpt2Directory
    let vocab = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("vocab.json")))
    let mergesText = try String(contentsOf: directory.appendingPathComponent("merges.txt"), encoding: .utf8)
    let merges = mergesText.split(separator: "\n").dropFirst().map(String.init)
    let json: [String: Any] = [
      "version": "1.0",
      "added_tokens": [["id": 50256, "content": "<|endoftext|>", "single_word": false, "lstrip": false,
                        "rstrip": false, "normalized": false, "special": true]],
      "normalizer": NSNull(),
      "pre_tokenizer": ["type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true],
      "model": ["type": "BPE", "dropout": NSNull(), "unk_token": NSNull(), "vocab": vocab, "merges": merges],
    ]
    let url = try temporaryFile("tokenizer.json", JSONSerialization.data(withJSONObject: json))
    let fromJSON = try BPETokenizer(tokenizerJSONFile: url)
    let gpt2 = TokenizerFixtures.gpt2
    let reference = try TokenizerFixtures.decodeJSON(GPT2Reference.self, "gpt2_reference.json")
    for item in reference.cases {
      XCTAssertEqual(fromJSON.encode(item.text), item.ids, visible(item.text))
    }
    XCTAssertEqual(fromJSON.vocabularySize, gpt2.vocabularySize)
    XCTAssertEqual(fromJSON.endOfTextID, gpt2.endOfTextID)
  }

  func testLoadDirectoryPrefersTokenizerJSON() throws {
    let directory = try temporaryDirectory()
    let source = TokenizerFixtures.tinyDirectory
    for name in ["vocab.json", "merges.txt"] {
      try FileManager.default.copyItem(
        at: source.appendingPathComponent(name), to: directory.appendingPathComponent(name))
    }
    let fromFiles = try BPETokenizer.load(directory: directory)
    XCTAssertEqual(fromFiles.addedTokens.map(\.content), ["<|endoftext|>"])
    try FileManager.default.copyItem(
      at: source.appendingPathComponent("tokenizer.json"), to: directory.appendingPathComponent("tokenizer.json"))
    let fromJSON = try BPETokenizer.load(directory: directory)
    XCTAssertEqual(fromJSON.addedTokens.count, 8)
    XCTAssertEqual(fromJSON.encode("x <mask> y"), [89, 400, 295])
  }
}

/// Writes `data` under a fresh temporary directory and returns its URL.
func temporaryFile(_ name: String, _ data: Data) throws -> URL {
  let url = try temporaryDirectory().appendingPathComponent(name)
  try data.write(to: url)
  return url
}

/// A fresh, empty temporary directory.
func temporaryDirectory() throws -> URL {
  let url = FileManager.default.temporaryDirectory
    .appendingPathComponent("TokenizersTests-\(UUID().uuidString)", isDirectory: true)
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}
