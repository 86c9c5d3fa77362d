import Foundation

/// The parts of a Hugging Face `tokenizer.json` that a GPT-2-style
/// byte-level BPE needs, checked strictly: anything that would change the
/// result and is not implemented here (a normaliser, another pre-tokenizer,
/// BPE dropout, subword prefixes, byte fallback) is refused with an error.
struct TokenizerJSON: Decodable {
  struct Model: Decodable {
    var type: String?
    var vocab: [String: Int]?
    var merges: [MergeEntry]?
    var dropout: Double?
    var unk_token: String?
    var continuing_subword_prefix: String?
    var end_of_word_suffix: String?
    var fuse_unk: Bool?
    var byte_fallback: Bool?
    var ignore_merges: Bool?
  }

  /// A merge: legacy `"a b"` string or newer `["a", "b"]` pair.
  enum MergeEntry: Decodable {
    case text(String)
    case pair([String])

    init(from decoder: Decoder) throws {
      let container = try decoder.singleValueContainer()
      if let text = try? container.decode(String.self) {
        self = .text(text)
      } else if let pair = try? container.decode([String].self) {
        self = .pair(pair)
      } else {
        throw DecodingError.typeMismatch(
          MergeEntry.self,
          .init(codingPath: decoder.codingPath, debugDescription: "expected \"a b\" or [\"a\", \"b\"]"))
      }
    }

    /// The two symbols, or nil if the entry does not hold exactly two.
    var symbols: (String, String)? {
      switch self {
      case .text(let text):
        let parts = text.unicodeScalars.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        return (String(parts[0]), String(parts[1]))
      case .pair(let pair):
        guard pair.count == 2, !pair[0].isEmpty, !pair[1].isEmpty else { return nil }
        return (pair[0], pair[1])
      }
    }
  }

  struct Added: Decodable {
    var id: Int
    var content: String
    var single_word: Bool?
    var lstrip: Bool?
    var rstrip: Bool?
    var normalized: Bool?
    var special: Bool?
  }

  struct PreTokenizer: Decodable {
    var type: String
    var add_prefix_space: Bool?
    var use_regex: Bool?
    var pretokenizers: [PreTokenizer]?
  }

  struct Normalizer: Decodable {
    var type: String
    var normalizers: [Normalizer]?
  }

  var model: Model
  var added_tokens: [Added]?
  var normalizer: Normalizer?
  var pre_tokenizer: PreTokenizer?
}
