import Foundation
import Tokenizers
import XCTest

/// Access to the committed fixtures (see scripts/make_tokenizer_fixtures.py).
enum TokenizerFixtures {
  static var resources: URL {
    guard let url = Bundle.module.url(forResource: "Resources", withExtension: nil) else {
      fatalError("TokenizersTests bundle has no Resources folder")
    }
    return url
  }

  static var gpt2Directory: URL { resources.appendingPathComponent("gpt2") }
  static var tinyDirectory: URL { resources.appendingPathComponent("tiny") }

  /// The real GPT-2 tokenizer, loaded once from vocab.json + merges.txt.
  static let gpt2: BPETokenizer = {
    do {
      return try BPETokenizer(
        vocabularyFile: gpt2Directory.appendingPathComponent("vocab.json"),
        mergesFile: gpt2Directory.appendingPathComponent("merges.txt"))
    } catch {
      fatalError("cannot load GPT-2 fixture: \(error)")
    }
  }()

  static func decodeJSON<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
    let data = try Data(contentsOf: resources.appendingPathComponent(name))
    return try JSONDecoder().decode(T.self, from: data)
  }
}

/// `gpt2_reference.json`.
struct GPT2Reference: Decodable {
  struct Case: Decodable {
    let text: String
    let ids: [Int]
    let decoded: String
    let pieces: [String]
  }

  struct DecodeCase: Decodable {
    let ids: [Int]
    let decoded: String
  }

  let transformers_version: String
  let vocabulary_size: Int
  let cases: [Case]
  let decode_cases: [DecodeCase]
}

/// `tiny_reference.json`.
struct TinyReference: Decodable {
  struct Case: Decodable {
    let text: String
    let ids: [Int]
    let tokens: [String]
    let decoded: String
    let prefix_space_ids: [Int]
  }

  let vocabulary_size: Int
  let cases: [Case]
  let decode_cases: [GPT2Reference.DecodeCase]
}

/// `pretokenizer_classes.json`.
struct ClassRuns: Decodable {
  /// Each run is `[first scalar, "L" | "N" | "S" | "P"]`.
  let runs: [[Run]]

  enum Run: Decodable {
    case start(Int)
    case label(String)

    init(from decoder: Decoder) throws {
      let container = try decoder.singleValueContainer()
      if let value = try? container.decode(Int.self) {
        self = .start(value)
      } else {
        self = .label(try container.decode(String.self))
      }
    }
  }
}

/// A small deterministic generator (SplitMix64) for randomized tests.
struct TestRandom: RandomNumberGenerator {
  var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// Shows a string with every non-printable scalar escaped, for messages.
func visible(_ text: String) -> String {
  String(text.unicodeScalars.prefix(80).map { scalar -> String in
    scalar.isASCII && scalar.value >= 0x20 && scalar.value < 0x7F
      ? String(scalar) : scalar.escaped(asASCII: true)
  }.joined()) + (text.unicodeScalars.count > 80 ? "…" : "")
}
