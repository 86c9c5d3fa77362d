import Foundation
import Tokenizers

/// A small fixed English-like corpus for the training tests: templated
/// sentences over a few word lists, with numbers, punctuation, contractions,
/// blank lines, a little non-ASCII text and `<|endoftext|>` separators.
enum SmallCorpus {
  static let names = ["Mary", "John", "Alice", "Bob", "Sarah", "David", "Emma", "James"]
  static let days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
  static let places = ["garden", "station", "library", "market", "school", "café"]
  static let objects = ["book", "ring", "letter", "drink", "computer"]

  /// `count` documents, the same every time.
  static func documents(count: Int = 400, seed: UInt64 = 42) -> [String] {
    var random = TestRandom(seed: seed)
    func pick(_ words: [String]) -> String { words[Int.random(in: 0..<words.count, using: &random)] }
    var documents: [String] = []
    for index in 0..<count {
      var sentences: [String] = []
      for _ in 0..<Int.random(in: 1...3, using: &random) {
        let a = pick(names)
        var b = pick(names)
        while b == a { b = pick(names) }
        switch Int.random(in: 0..<6, using: &random) {
        case 0:
          sentences.append("On \(pick(days)), \(a) and \(b) went to the \(pick(places)). \(b) gave a \(pick(objects)) to \(a).")
        case 1:
          sentences.append("\(a) met \(b) at the \(pick(places)) on \(pick(days)) at \(Int.random(in: 1...24, using: &random)) o'clock.")
        case 2:
          sentences.append("It's \(pick(days)) and \(a)'s \(pick(objects)) is in the \(pick(places)), isn't it?")
        case 3:
          sentences.append("\"We'll see,\" said \(a). \"I'm going to the \(pick(places)) with \(b).\"")
        case 4:
          sentences.append("There were \(Int.random(in: 2...99, using: &random)) people at the \(pick(places)); \(a) counted them.")
        default:
          sentences.append("\(a) wrote a \(pick(objects)) for \(b) — “thank you” — on \(pick(days)).")
        }
      }
      var text = sentences.joined(separator: index % 7 == 0 ? "\n\n" : " ")
      if index % 50 == 0 { text += "<|endoftext|>The end." }
      documents.append(text)
    }
    return documents
  }
}

/// A deliberately naive BPE trainer with the same rules as `BPETrainer`,
/// for checking it: pairs are recounted over every word at each step.
/// Merges are returned as byte strings.
enum NaiveBPE {
  typealias Word = [[UInt8]]

  /// Pre-token pieces of `texts` (split at `<|endoftext|>`), counted.
  static func words(_ texts: [String]) -> [Word: Int] {
    var counts: [Word: Int] = [:]
    for text in texts {
      for part in text.components(separatedBy: "<|endoftext|>") {
        for piece in GPT2PreTokenizer.split(part) { counts[piece.utf8.map { [$0] }, default: 0] += 1 }
      }
    }
    return counts
  }

  /// Learns up to `limit` merges (no limit when nil). `taken` holds every
  /// existing byte string; a pair whose concatenation is taken is skipped.
  static func train(_ words: [Word: Int], taken: inout Set<[UInt8]>, limit: Int?) -> [([UInt8], [UInt8])] {
    var words = words
    var merges: [([UInt8], [UInt8])] = []
    while limit.map({ merges.count < $0 }) ?? true {
      var counts: [[[UInt8]]: Int] = [:]
      for (word, weight) in words where word.count > 1 {
        for index in 0..<(word.count - 1) { counts[[word[index], word[index + 1]], default: 0] += weight }
      }
      let best = counts.filter { !taken.contains($0.key[0] + $0.key[1]) }.min { a, b in
        if a.value != b.value { return a.value > b.value }
        if a.key[0] != b.key[0] { return a.key[0].lexicographicallyPrecedes(b.key[0]) }
        return a.key[1].lexicographicallyPrecedes(b.key[1])
      }
      guard let best else { break }
      let (left, right) = (best.key[0], best.key[1])
      taken.insert(left + right)
      merges.append((left, right))
      words = apply(left, right, to: words)
    }
    return merges
  }

  static func apply(_ left: [UInt8], _ right: [UInt8], to words: [Word: Int]) -> [Word: Int] {
    var result: [Word: Int] = [:]
    for (word, weight) in words {
      var merged: Word = []
      var index = 0
      while index < word.count {
        if index + 1 < word.count && word[index] == left && word[index + 1] == right {
          merged.append(left + right)
          index += 2
        } else {
          merged.append(word[index])
          index += 1
        }
      }
      result[merged, default: 0] += weight
    }
    return result
  }

  /// All merges `BPETrainer` should learn: the required tokens' first (each
  /// counted once), then the corpus's, up to `mergeCount` in all.
  static func merges(texts: [String], required: [String], mergeCount: Int) -> (all: [([UInt8], [UInt8])], required: Int) {
    var taken = Set((0...255).map { [UInt8($0)] })
    var requiredWords: [Word: Int] = [:]
    for token in Set(required) where token.utf8.count > 1 { requiredWords[token.utf8.map { [$0] }] = 1 }
    var merges = train(requiredWords, taken: &taken, limit: nil)
    let requiredCount = merges.count
    var corpus = words(texts)
    for (left, right) in merges { corpus = apply(left, right, to: corpus) }
    merges += train(corpus, taken: &taken, limit: mergeCount - merges.count)
    return (merges, requiredCount)
  }
}

/// The merges in a written merges.txt, as byte strings.
func readMerges(_ url: URL) throws -> [([UInt8], [UInt8])] {
  let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
  return lines.dropFirst().map { line in
    let parts = line.split(separator: " ").map { ByteLevel.decode(String($0)) ?? [] }
    return (parts[0], parts[1])
  }
}
